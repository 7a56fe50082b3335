/**
 * The GitOps agent's decisions, pure: given the branch head, the head it handled last and what runs, say what to do
 * next and what the status file says afterwards. The driver (`agent.ts`) does the git, platform and file work.
 */
import { modelRef, sameModel, type DesiredModel, type HeadState, type LiveState } from './desired.js';
import { withEvent, type GitopsEvent, type GitopsStatus } from './status.js';

export type { DesiredModel, HeadState, LiveState } from './desired.js';

/** Who rolled a commit back: canary analysis, a person, or the platform (an arm failed or never became ready). */
export type RolledBackBy = 'judge' | 'person' | 'platform';

/** How a deployment of one commit ended. */
export type DeployOutcome =
  | { kind: 'promoted'; detail?: string }
  | { kind: 'bootstrapped'; detail?: string }
  /** `decidedBy` absent: canary analysis rolled it back. */
  | { kind: 'rolled-back'; reason: string; decidedBy?: RolledBackBy }
  /** The rollout ended without a decision about the canary (platform unreachable, interrupted): tried again. */
  | { kind: 'unfinished'; reason: string }
  | { kind: 'failed'; reason: string };

/** What one pass found: the branch head (null: no such branch) and, once the plan asked to look, what it asks for and what runs. */
export interface Pass {
  head: string | null;
  look?: { desired: HeadState; running: DesiredModel | null; described: string };
}

/** Where the agent looks, and when this pass runs (ISO time, for the status). */
export interface PassContext {
  branch: string;
  dir: string;
  at: string;
}

/** The next step; every one but `none` and `look` comes with the status to write and the line to log. */
export type Step =
  | { kind: 'none' }
  /** A head not handled yet: read what it asks for (once) and what runs, then plan again with them. */
  | { kind: 'look'; commit: string }
  /** The branch is missing, or a restarted agent finds its head handled already. */
  | { kind: 'record'; status: GitopsStatus; log?: string }
  | { kind: 'refuse'; commit: string; message: string; status: GitopsStatus; log: string }
  | { kind: 'in-sync'; commit: string; model: DesiredModel; status: GitopsStatus; log: string }
  /** Write `status`, roll the commit out, then write `deployEnded(status, ...)`. */
  | { kind: 'deploy'; commit: string; model: DesiredModel; from: LiveState | null; status: GitopsStatus; log: string };

/**
 * Decides what a pass means. A head the agent already handled does nothing, so a failed rollout is not retried
 * until git changes (retrying the same bad commit in a loop is what a person would not want).
 */
export function plan(pass: Pass, status: GitopsStatus, ctx: PassContext): Step {
  const commit = pass.head;
  if (!commit) {
    const message = `branch ${ctx.branch} not found in ${ctx.dir}`;
    const failed: GitopsStatus = { ...status, phase: 'failed', failure: { commit: '', message, at: ctx.at } };
    return status.failure?.message === message ? { kind: 'record', status: failed } : { kind: 'record', status: failed, log: `gitops: ${message}` };
  }
  if (commit === status.lastSeenCommit) return status.phase === 'starting' ? { kind: 'record', status: { ...status, phase: 'idle' } } : { kind: 'none' };
  if (!pass.look) return { kind: 'look', commit };

  const { desired, running, described } = pass.look;
  // What runs came from the commit that last put it live, if it is still that commit's model.
  const live: LiveState | null = running ? { model: running, commit: status.live && sameModel(status.live.model, running) ? status.live.commit : null } : null;
  const seen: GitopsStatus = { ...status, lastSeenCommit: commit, lastAttemptedCommit: commit, live };
  const event = (outcome: GitopsEvent['outcome'], message: string): GitopsEvent => ({ at: ctx.at, commit, outcome, message });
  if (desired.kind === 'invalid') {
    const message = `commit ${commit.slice(0, 7)} refused, nothing changed: ${desired.message}`;
    const refused = withEvent({ ...seen, phase: 'failed', failure: { commit, message, at: ctx.at } }, event('refused', message));
    return { kind: 'refuse', commit, message: desired.message, status: refused, log: `gitops: ${message}` };
  }
  const model = desired.model;
  if (live && sameModel(live.model, model)) {
    const message = `commit ${described}: ${modelRef(model)} is already live, nothing to roll out`;
    const inSync = withEvent({ ...seen, phase: 'idle', lastSuccessfulCommit: commit, live: { model, commit }, failure: null }, event('in-sync', message));
    return { kind: 'in-sync', commit, model, status: inSync, log: `gitops: ${message}` };
  }
  return {
    kind: 'deploy',
    commit,
    model,
    from: live,
    status: { ...seen, phase: 'deploying', queuedCommit: null, deploying: { commit, model, startedAt: ctx.at } },
    log: `gitops: commit ${described}: deploying ${modelRef(model)}${live ? ` (live: ${modelRef(live.model)})` : ''}`,
  };
}

/**
 * The status once the deployment `status.deploying` names has ended. `seenBefore` is the head handled before it:
 * a deployment that decided nothing restores it, so that the next pass tries the commit again.
 */
export function deployEnded(status: GitopsStatus, deployed: { commit: string; model: DesiredModel }, outcome: DeployOutcome, at: string, seenBefore: string | null): GitopsStatus {
  const { commit, model } = deployed;
  const live = status.live;
  const base = { ...status, deploying: null };
  if (outcome.kind === 'unfinished') {
    const message = unfinishedMessage({ commit, target: model, reason: outcome.reason, live });
    return withEvent({ ...base, phase: 'failed', lastSeenCommit: seenBefore, live, failure: { commit, message, at } }, { at, commit, outcome: 'unfinished', message });
  }
  if (outcome.kind === 'promoted' || outcome.kind === 'bootstrapped') {
    const message = `commit ${commit.slice(0, 7)} (${modelRef(model)}) ${outcome.kind}${outcome.detail ? `: ${outcome.detail}` : ''}`;
    return withEvent({ ...base, phase: 'idle', lastSuccessfulCommit: commit, live: { model, commit }, failure: null }, { at, commit, outcome: outcome.kind, message });
  }
  const message =
    outcome.kind === 'rolled-back'
      ? rolledBackMessage({ commit, target: model, reason: outcome.reason, live, ...(outcome.decidedBy ? { decidedBy: outcome.decidedBy } : {}) })
      : `commit ${commit.slice(0, 7)} (${modelRef(model)}) failed before traffic moved: ${outcome.reason}; ${
          live ? `running ${modelRef(live.model)}` : 'nothing is running'
        }; fix it in a new commit or revert ${commit.slice(0, 7)}`;
  return withEvent({ ...base, phase: 'failed', live, failure: { commit, message, at } }, { at, commit, outcome: outcome.kind, message });
}

/**
 * On start, a deployment the previous agent run did not finish, settled from the platform's record of it (`recorded`;
 * null: none). A rollout the judge rolled back stays rejected; one nobody decided, or with no record, is tried again.
 */
export function settledAfterRestart(status: GitopsStatus, deploying: NonNullable<GitopsStatus['deploying']>, recorded: DeployOutcome | null, at: string): { status: GitopsStatus; log: string } {
  const outcome: DeployOutcome = recorded ?? { kind: 'unfinished', reason: 'the agent stopped during its rollout and the platform has no record of how it ended' };
  const settled = deployEnded(status, deploying, outcome, at, null);
  const what = settled.failure?.message ?? settled.history.at(-1)?.message ?? outcome.kind;
  return { status: settled, log: `gitops: the previous agent run stopped while deploying ${deploying.commit.slice(0, 7)}: ${what}` };
}

const BY: Record<RolledBackBy, string> = {
  judge: 'by canary analysis',
  person: 'by a person (`keelson rollback`)',
  platform: 'by the platform before canary analysis decided',
};

/** The sentence `keelson status` shows after a rollout that did not promote. `decidedBy` defaults to the judge. */
export function rolledBackMessage(opts: {
  commit: string;
  target: DesiredModel;
  reason: string;
  live: LiveState | null;
  decidedBy?: RolledBackBy;
}): string {
  const short = opts.commit.slice(0, 7);
  // The judge's reasons start with "canary analysis:" already.
  const reason = opts.reason.replace(/^canary analysis: /, '');
  return `commit ${short} (${modelRef(opts.target)}) was rolled back ${BY[opts.decidedBy ?? 'judge']}: ${reason}; ${running(opts.live)}; revert ${short} to make git match`;
}

/**
 * The sentence after a rollout that ended without a decision about the canary (the platform stayed
 * unreachable, the agent was interrupted): nothing is wrong with the commit, so the agent tries it again.
 */
export function unfinishedMessage(opts: { commit: string; target: DesiredModel; reason: string; live: LiveState | null }): string {
  const short = opts.commit.slice(0, 7);
  return `commit ${short} (${modelRef(opts.target)}) did not finish its rollout: ${opts.reason}; ${running(opts.live)}; the agent tries ${short} again at its next check`;
}

function running(live: LiveState | null): string {
  return live ? `running ${modelRef(live.model)}${live.commit ? ` from ${live.commit.slice(0, 7)}` : ''}` : 'nothing is running';
}
