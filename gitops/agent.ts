import { plan, rolledBackMessage, unfinishedMessage, modelRef, type DesiredModel, type HeadState, type LiveState, type RolledBackBy } from './reconcile.js';
import { withEvent, writeGitopsStatus, type GitopsStatus } from './status.js';
import type { GitSource } from './git.js';

/** How a deployment of one commit ended. */
export type DeployOutcome =
  | { kind: 'promoted'; detail?: string }
  | { kind: 'bootstrapped'; detail?: string }
  /** `decidedBy` absent: canary analysis rolled it back. */
  | { kind: 'rolled-back'; reason: string; decidedBy?: RolledBackBy }
  /** The rollout ended without a decision about the canary (platform unreachable, interrupted): tried again. */
  | { kind: 'unfinished'; reason: string }
  | { kind: 'failed'; reason: string };

/** The platform as the agent sees it: what runs, and how to move it to a new desired state. */
export interface Deployer {
  live(): Promise<DesiredModel | null>;
  /** Runs the commit's pipeline (test, package, rollout) and reports how it ended; never throws for a bad rollout. */
  deploy(target: { commit: string; model: DesiredModel; specText: string; from: LiveState | null }): Promise<DeployOutcome>;
  /**
   * How a deployment that an earlier agent run left unfinished (it died mid-rollout) ended, as far as the platform
   * recorded it; null when it has no record. An outcome that is not a decision (`unfinished`) is tried again.
   */
  interrupted?(deploying: { commit: string; model: DesiredModel; startedAt: string }): Promise<DeployOutcome | null>;
}

export interface AgentOptions {
  source: GitSource;
  branch: string;
  environment: string;
  statusPath: string;
  deployer: Deployer;
  /** Parses `deploy/<environment>.yaml` at a commit; pure. */
  readHead(commit: string, text: string | null): HeadState;
  log(line: string): void;
  now?: () => Date;
  /** How often to look for newer commits while a rollout runs (default 1 s). */
  queuePollMs?: number;
}

/** One reconcile pass: look at the branch head and act on it. Returns the new status. */
export async function reconcileOnce(opts: AgentOptions, status: GitopsStatus): Promise<GitopsStatus> {
  const now = () => (opts.now ?? (() => new Date()))().toISOString();
  const save = (s: GitopsStatus) => (writeGitopsStatus(opts.statusPath, s), s);

  await opts.source.sync();
  const head = await opts.source.head(opts.branch);
  if (!head) {
    const message = `branch ${opts.branch} not found in ${opts.source.dir}`;
    if (status.failure?.message !== message) opts.log(`gitops: ${message}`);
    return save({ ...status, phase: 'failed', failure: { commit: '', message, at: now() } });
  }
  if (head === status.lastSeenCommit) return status.phase === 'starting' ? save({ ...status, phase: 'idle' }) : status;

  const specPath = `deploy/${opts.environment}.yaml`;
  const headState = opts.readHead(head, await opts.source.readFile(head, specPath));
  const running = await opts.deployer.live();
  const live: LiveState | null = running
    ? { model: running, commit: status.live && sameRef(status.live.model, running) ? status.live.commit : null }
    : null;
  const action = plan(headState, status.lastSeenCommit, live);
  const described = await opts.source.describe(head);

  switch (action.kind) {
    case 'none':
      return status;
    case 'refuse': {
      const message = `commit ${head.slice(0, 7)} refused, nothing changed: ${action.message}`;
      opts.log(`gitops: ${message}`);
      return save(
        withEvent(
          { ...status, phase: 'failed', lastSeenCommit: head, lastAttemptedCommit: head, live, failure: { commit: head, message, at: now() } },
          { at: now(), commit: head, outcome: 'refused', message },
        ),
      );
    }
    case 'in-sync': {
      const message = `commit ${described}: ${modelRef(action.model)} is already live, nothing to roll out`;
      opts.log(`gitops: ${message}`);
      return save(
        withEvent(
          {
            ...status,
            phase: 'idle',
            lastSeenCommit: head,
            lastAttemptedCommit: head,
            lastSuccessfulCommit: head,
            live: { model: action.model, commit: head },
            failure: null,
          },
          { at: now(), commit: head, outcome: 'in-sync', message },
        ),
      );
    }
    case 'deploy': {
      opts.log(`gitops: commit ${described}: deploying ${modelRef(action.model)}${live ? ` (live: ${modelRef(live.model)})` : ''}`);
      const started = save({
        ...status,
        phase: 'deploying',
        lastSeenCommit: head,
        lastAttemptedCommit: head,
        live,
        queuedCommit: null,
        deploying: { commit: head, model: action.model, startedAt: now() },
      });
      const specText = (await opts.source.readFile(head, specPath)) ?? '';
      const queue = watchForNewerCommits(opts, head, (queued) => {
        opts.log(`gitops: commit ${queued.slice(0, 7)} arrived during the rollout; the newest desired state runs after it ends`);
        save({ ...started, queuedCommit: queued });
      });
      try {
        const outcome = await opts.deployer.deploy({ commit: head, model: action.model, specText, from: live });
        return save(finish(started, head, action.model, live, outcome, now(), status.lastSeenCommit));
      } finally {
        queue.stop();
      }
    }
  }
}

/** Notes commits that land while a rollout runs, so `keelson status` can show them queued. */
function watchForNewerCommits(opts: AgentOptions, deploying: string, onQueued: (commit: string) => void) {
  let stopped = false;
  let seen = deploying;
  const timer = setInterval(() => {
    void (async () => {
      try {
        await opts.source.sync();
        const head = await opts.source.head(opts.branch);
        if (!stopped && head && head !== seen) {
          seen = head;
          onQueued(head);
        }
      } catch {
        // The main loop reports git failures; this poll only decorates the status.
      }
    })();
  }, opts.queuePollMs ?? 1000);
  return { stop: () => ((stopped = true), clearInterval(timer)) };
}

/**
 * On start: settles a deployment the previous agent run did not finish, from the platform's record of it. A
 * rollout the judge rolled back stays rejected (not retried until git changes); one nobody decided is retried.
 */
export async function settleInterrupted(opts: AgentOptions, status: GitopsStatus): Promise<GitopsStatus> {
  const deploying = status.deploying;
  if (!deploying) return status;
  const recorded = await opts.deployer.interrupted?.(deploying).catch(() => null);
  const outcome: DeployOutcome = recorded ?? { kind: 'unfinished', reason: 'the agent stopped during its rollout and the platform has no record of how it ended' };
  const at = (opts.now ?? (() => new Date()))().toISOString();
  const settled = finish(status, deploying.commit, deploying.model, status.live, outcome, at, null);
  opts.log(`gitops: the previous agent run stopped while deploying ${deploying.commit.slice(0, 7)}: ${settled.failure?.message ?? settled.history.at(-1)?.message ?? outcome.kind}`);
  writeGitopsStatus(opts.statusPath, settled);
  return settled;
}

const sameRef = (a: DesiredModel, b: DesiredModel) => a.name === b.name && a.version === b.version;

function finish(
  status: GitopsStatus,
  commit: string,
  model: DesiredModel,
  live: LiveState | null,
  outcome: DeployOutcome,
  at: string,
  seenBefore: string | null,
): GitopsStatus {
  const base = { ...status, deploying: null };
  if (outcome.kind === 'unfinished') {
    const message = unfinishedMessage({ commit, target: model, reason: outcome.reason, live });
    // Not seen yet as far as `plan` is concerned, so the next pass tries the commit again.
    return withEvent({ ...base, phase: 'failed', lastSeenCommit: seenBefore, live, failure: { commit, message, at } }, { at, commit, outcome: 'unfinished', message });
  }
  if (outcome.kind === 'promoted' || outcome.kind === 'bootstrapped') {
    const message = `commit ${commit.slice(0, 7)} (${modelRef(model)}) ${outcome.kind}${outcome.detail ? `: ${outcome.detail}` : ''}`;
    return withEvent(
      { ...base, phase: 'idle', lastSuccessfulCommit: commit, live: { model, commit }, failure: null },
      { at, commit, outcome: outcome.kind, message },
    );
  }
  const message =
    outcome.kind === 'rolled-back'
      ? rolledBackMessage({ commit, target: model, reason: outcome.reason, live, ...(outcome.decidedBy ? { decidedBy: outcome.decidedBy } : {}) })
      : `commit ${commit.slice(0, 7)} (${modelRef(model)}) failed before traffic moved: ${outcome.reason}; ${
          live ? `running ${modelRef(live.model)}` : 'nothing is running'
        }; fix it in a new commit or revert ${commit.slice(0, 7)}`;
  return withEvent({ ...base, phase: 'failed', live, failure: { commit, message, at } }, { at, commit, outcome: outcome.kind, message });
}
