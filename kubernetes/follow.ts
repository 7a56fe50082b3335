/**
 * The driver of `rollout-progress.ts`: reads the Rollout (and its Experiment and AnalysisRun) every `pollMs`, hands
 * each observation to the pure follower, aborts when it says so, and stops at an outcome or at the timeout.
 *
 * Polling rather than watch: every read returns whole objects (an AnalysisRun keeps all its measurements), so
 * nothing is lost between reads; there is no resourceVersion to keep, no 410 Gone to re-list on, and a dropped
 * connection is just a failed read, retried with backoff for `retryForMs`. One GET of three small objects every
 * two seconds is nothing next to an analysis interval of a minute.
 */
import type { Cluster } from './client.js';
import { DeployError, KubernetesError } from './errors.js';
import { ANALYSIS_RUN, EXPERIMENT, ROLLOUT } from './resources.js';
import { ABORT_PATCH, patchRolloutStatus } from './rollout-actions.js';
import type { AnalysisRunObject, ExperimentObject, RolloutObject } from './rollout-objects.js';
import { initialState, namesToRead, observe, type FollowEvent, type FollowOutcome, type FollowState, type Observation } from './rollout-progress.js';

export interface FollowOptions {
  cluster: Cluster;
  namespace: string;
  name: string;
  timeoutMs: number;
  pollMs?: number;
  /** How long reads may keep failing (unreachable, 5xx) before the follow gives up. */
  retryForMs?: number;
  onEvent?: (event: FollowEvent) => void;
  /** A read failed and will be retried; an abort was sent. */
  onNote?: (message: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads the Rollout and, by name, the Experiment and AnalysisRun of its current step. */
export async function readObservation(cluster: Cluster, namespace: string, name: string, state?: FollowState): Promise<Observation> {
  const rollout = await cluster.get<RolloutObject>(ROLLOUT, namespace, name);
  if (!rollout) throw new DeployError(`Rollout ${name} no longer exists in namespace ${namespace}: someone deleted it`);
  const empty = { judgements: [], seen: 0, total: 0, weights: [], analysisFailed: false };
  const names = namesToRead(state ?? empty, rollout);
  const experiment = names.experiment ? await cluster.get<ExperimentObject>(EXPERIMENT, namespace, names.experiment) : undefined;
  const runName = namesToRead(state ?? empty, rollout, experiment).analysisRun;
  const analysisRun = runName ? await cluster.get<AnalysisRunObject>(ANALYSIS_RUN, namespace, runName) : undefined;
  return { rollout, ...(experiment ? { experiment } : {}), ...(analysisRun ? { analysisRun } : {}) };
}

/** Follows the Rollout to promoted or rolled back; throws a DeployError on timeout or when the cluster stays unreachable. */
export async function followRollout(options: FollowOptions): Promise<{ outcome: FollowOutcome; state: FollowState }> {
  const { cluster, namespace, name } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const pollMs = options.pollMs ?? 2_000;
  const retryForMs = options.retryForMs ?? 60_000;
  const deadline = now() + options.timeoutMs;
  let state: FollowState | undefined;
  let failingSince: number | undefined;
  let failures = 0;

  while (now() < deadline) {
    let observation: Observation;
    try {
      observation = await readObservation(cluster, namespace, name, state);
      failingSince = undefined;
      failures = 0;
    } catch (error) {
      if (!(error instanceof KubernetesError) || !error.transient) throw error;
      failingSince ??= now();
      if (now() - failingSince >= retryForMs) {
        throw new DeployError(`${error.message}; gave up after ${Math.round(retryForMs / 1000)}s of retries. The Rollout's outcome is unknown (never reported as success without seeing it Healthy): check it with keelson deploy status`);
      }
      options.onNote?.(`${error.message}; retrying`);
      await sleep(Math.min(pollMs * 2 ** failures++, 10_000));
      continue;
    }
    state ??= initialState(observation.rollout);
    const step = observe(state, observation);
    state = step.state;
    for (const event of step.events) options.onEvent?.(event);
    if (step.outcome) return { outcome: step.outcome, state };
    if (step.abort) {
      const where = await patchRolloutStatus(cluster, namespace, name, ABORT_PATCH);
      options.onNote?.(`sent abort to Rollout ${name} (${where === 'status' ? 'status subresource' : 'main resource'}): ${step.abort}`);
    }
    await sleep(pollMs);
  }
  throw new DeployError(
    `Rollout ${name} did not finish within the --timeout (${Math.round(options.timeoutMs / 1000)}s); it goes on in the cluster: ` +
      'watch it with keelson deploy status, or stop it with keelson deploy abort',
  );
}
