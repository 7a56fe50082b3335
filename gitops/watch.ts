import { setTimeout as sleep } from 'node:timers/promises';
import { reconcileOnce, settleInterrupted, type AgentOptions } from './agent.js';
import { redactSecrets, redactUrl } from '../contract/redact.js';
import { initialStatus, readGitopsStatus, writeGitopsStatus, type GitopsStatus } from './status.js';

export interface WatchOptions extends AgentOptions {
  repo: string;
  intervalMs: number;
  signal: AbortSignal;
  /** Called with a function that triggers an immediate check (the command wires it to SIGHUP). */
  onWakeHandle?: (wake: () => void) => void;
}

/**
 * Polls the branch until `signal` aborts; each pass reconciles the newest head. Commits that land during
 * a rollout wait for it, so only the newest desired state is rolled out next. Errors are logged and the
 * loop goes on: a flaky git remote must not stop the agent.
 */
export async function watch(opts: WatchOptions): Promise<GitopsStatus> {
  let status = readGitopsStatus(opts.statusPath) ?? initialStatus(opts.repo, opts.branch, opts.environment);
  status = { ...status, repo: redactUrl(opts.repo), branch: opts.branch, environment: opts.environment };
  writeGitopsStatus(opts.statusPath, status);
  status = await settleInterrupted(opts, status);

  let wake: (() => void) | null = null;
  opts.onWakeHandle?.(() => wake?.());
  while (!opts.signal.aborted) {
    try {
      status = await reconcileOnce(opts, status);
    } catch (error) {
      opts.log(`gitops: reconcile failed, retrying in ${opts.intervalMs} ms: ${redactSecrets((error as Error).message)}`);
    }
    if (opts.signal.aborted) break;
    const woken = new AbortController();
    wake = () => woken.abort();
    await sleep(opts.intervalMs, undefined, { signal: AbortSignal.any([opts.signal, woken.signal]) }).catch(() => undefined);
    wake = null;
  }
  return status;
}
