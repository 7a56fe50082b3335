import { deployEnded, plan, settledAfterRestart, type DeployOutcome, type DesiredModel, type HeadState, type LiveState } from './reconcile.js';
import { writeGitopsStatus, type GitopsStatus } from './status.js';
import type { GitSource } from './git.js';

export type { DeployOutcome } from './reconcile.js';

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

/** One reconcile pass: look at the branch head and act on it as `plan` decides. Returns the new status. */
export async function reconcileOnce(opts: AgentOptions, status: GitopsStatus): Promise<GitopsStatus> {
  const save = (s: GitopsStatus) => (writeGitopsStatus(opts.statusPath, s), s);
  const ctx = { branch: opts.branch, dir: opts.source.dir, at: isoNow(opts) };

  await opts.source.sync();
  const head = await opts.source.head(opts.branch);
  let step = plan({ head }, status, ctx);
  let specText: string | null = null;
  if (step.kind === 'look') {
    specText = await opts.source.readFile(step.commit, `deploy/${opts.environment}.yaml`);
    const look = { desired: opts.readHead(step.commit, specText), running: await opts.deployer.live(), described: await opts.source.describe(step.commit) };
    step = plan({ head, look }, status, ctx);
  }
  // A second `look` cannot come: the plan has had its look.
  if (step.kind === 'none' || step.kind === 'look') return status;
  if (step.log) opts.log(step.log);
  const started = save(step.status);
  if (step.kind !== 'deploy') return started;

  const queue = watchForNewerCommits(opts, step.commit, (queued) => {
    opts.log(`gitops: commit ${queued.slice(0, 7)} arrived during the rollout; the newest desired state runs after it ends`);
    save({ ...started, queuedCommit: queued });
  });
  try {
    const outcome = await opts.deployer.deploy({ commit: step.commit, model: step.model, specText: specText ?? '', from: step.from });
    return save(deployEnded(started, step, outcome, isoNow(opts), status.lastSeenCommit));
  } finally {
    queue.stop();
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
 * On start: settles a deployment the previous agent run did not finish, from the platform's record of it (see
 * `settledAfterRestart`).
 */
export async function settleInterrupted(opts: AgentOptions, status: GitopsStatus): Promise<GitopsStatus> {
  const deploying = status.deploying;
  if (!deploying) return status;
  const recorded = (await opts.deployer.interrupted?.(deploying).catch(() => null)) ?? null;
  const settled = settledAfterRestart(status, deploying, recorded, isoNow(opts));
  opts.log(settled.log);
  writeGitopsStatus(opts.statusPath, settled.status);
  return settled.status;
}

const isoNow = (opts: Pick<AgentOptions, 'now'>): string => (opts.now ?? (() => new Date()))().toISOString();
