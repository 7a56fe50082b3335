/**
 * The GitOps agent's decisions, pure: given what git wants and what runs, say what to do next.
 * Drivers (git, the platform, the clock) live in `agent.ts`.
 */

/** The model a desired state asks for. */
export interface DesiredModel {
  name: string;
  version: string;
  sha256: string;
}

/** What the newest commit on the watched branch says, already parsed. */
export type HeadState =
  | { kind: 'valid'; commit: string; model: DesiredModel; fingerprint: string }
  | { kind: 'invalid'; commit: string; message: string };

/** What runs now, and from which commit it came (null when nothing runs yet). */
export interface LiveState {
  model: DesiredModel;
  commit: string | null;
}

export type Action =
  | { kind: 'none' }
  | { kind: 'refuse'; commit: string; message: string }
  | { kind: 'in-sync'; commit: string; model: DesiredModel }
  | { kind: 'deploy'; commit: string; model: DesiredModel; fingerprint: string; from: LiveState | null };

export const sameModel = (a: DesiredModel, b: DesiredModel): boolean =>
  a.name === b.name && a.version === b.version && a.sha256 === b.sha256;

export const modelRef = (m: Pick<DesiredModel, 'name' | 'version'>): string => `${m.name}:${m.version}`;

/**
 * Decides what a new head means. `lastSeen` is the head the agent already handled: seeing it again does
 * nothing, so a failed rollout is not retried until git changes (retrying the same bad commit in a loop
 * is what a person would not want).
 */
export function plan(head: HeadState, lastSeen: string | null, live: LiveState | null): Action {
  if (head.commit === lastSeen) return { kind: 'none' };
  if (head.kind === 'invalid') return { kind: 'refuse', commit: head.commit, message: head.message };
  if (live && sameModel(live.model, head.model)) return { kind: 'in-sync', commit: head.commit, model: head.model };
  return { kind: 'deploy', commit: head.commit, model: head.model, fingerprint: head.fingerprint, from: live };
}

/** Who rolled a commit back: canary analysis, a person, or the platform (an arm failed or never became ready). */
export type RolledBackBy = 'judge' | 'person' | 'platform';

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
