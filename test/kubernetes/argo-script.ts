/**
 * What the Argo Rollouts controller would write, as frames a test scripts: each frame runs when keelson reads the
 * Rollout (after it applied a new generation), and may hold (return false) until something arrives, e.g. an abort.
 */
import type { FakeApiServer } from './fake-api-server.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Frame = (fake: FakeApiServer, rollout: Json) => boolean | void;

const NS = 'keelson';
const NEW = 'newhash7';
export const OLD = 'oldhash5';

const expName = (step: number) => `keelson-${NEW}-2-${step}`;
const runName = (step: number) => `${expName(step)}-judge`;

/** Runs `frames` one per read of the Rollout, from the first apply that changes its generation. */
export function scriptArgo(fake: FakeApiServer, frames: Frame[]): void {
  let started = false;
  let next = 0;
  fake.controller = (f, seen) => {
    if (seen.method === 'PATCH' && seen.path.endsWith('/rollouts/keelson') && seen.contentType === 'application/apply-patch+yaml') started = true;
    if (!started || seen.method !== 'GET' || !seen.path.endsWith('/rollouts/keelson') || next >= frames.length) return;
    const rollout = f.get('rollouts', NS, 'keelson')!;
    if (frames[next]!(f, rollout) !== false) next += 1;
  };
}

function setStatus(fake: FakeApiServer, rollout: Json, status: Json): void {
  fake.put('rollouts', { ...rollout, status: { ...rollout.status, ...status, observedGeneration: String(rollout.metadata.generation) } });
}

/** A healthy Rollout at revision 1 (hash OLD), as a finished earlier deploy leaves it. */
export function healthyStatus(generation: number, hash = OLD): Json {
  return { phase: 'Healthy', observedGeneration: String(generation), stableRS: hash, currentPodHash: hash, currentStepIndex: 3, canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } } };
}

/** The controller starts step `step` (0-based): an experiment with both arms at the step's weight, and the judge's run. */
export const stepStarts = (step: number, weight: number): Frame => (fake, rollout) => {
  rollout.metadata.annotations = { 'rollout.argoproj.io/revision': '2' };
  setStatus(fake, rollout, {
    phase: 'Progressing', message: 'more replicas need to be updated', currentPodHash: NEW, stableRS: OLD, currentStepIndex: step,
    canary: { currentExperiment: expName(step), weights: { canary: { weight: 0 }, stable: { weight: 100 - 2 * weight }, additional: [{ weight }, { weight }] } },
  });
  fake.put('experiments', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment', metadata: { name: expName(step), namespace: NS }, status: { phase: 'Running', analysisRuns: [{ name: 'judge', analysisRun: runName(step), phase: 'Running' }] } });
  fake.put('analysisruns', { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun', metadata: { name: runName(step), namespace: NS }, status: { phase: 'Running', metricResults: [{ name: 'judge', phase: 'Running', measurements: [] }] } });
};

const PHASES: Record<string, string> = { promote: 'Successful', rollback: 'Failed', continue: 'Inconclusive' };

/** The judge answers at step `step`: Argo stores `{decision, reasons}` as the measurement's value. */
export const measure = (step: number, decision: 'promote' | 'rollback' | 'continue', reasons: string[]): Frame => (fake) => {
  const run = fake.get('analysisruns', NS, runName(step))!;
  const metric = run.status.metricResults[0];
  metric.measurements.push({ phase: PHASES[decision], value: JSON.stringify({ decision, reasons }), finishedAt: '2026-12-06T10:00:00Z' });
  if (decision === 'rollback') {
    run.status.phase = metric.phase = 'Failed';
    run.status.message = 'Metric "judge" assessed Failed due to failed (1) > failureLimit (0)';
  }
  if (decision === 'promote') run.status.phase = metric.phase = 'Successful';
  fake.put('analysisruns', run);
};

/** The judge's run rolled back: the experiment fails and Argo aborts the Rollout. */
export const abortedByAnalysis = (step: number): Frame => (fake, rollout) => {
  const experiment = fake.get('experiments', NS, expName(step))!;
  experiment.status.phase = 'Failed';
  fake.put('experiments', experiment);
  setStatus(fake, rollout, { abort: true, phase: 'Degraded', message: `RolloutAborted: Rollout aborted update to revision 2: Experiment ${expName(step)} failed`, currentStepIndex: 0, canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } } });
};

/** Someone ran `kubectl argo rollouts abort` while the judge was still measuring. */
export const abortedByPerson: Frame = (fake, rollout) =>
  setStatus(fake, rollout, { abort: true, phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2', currentStepIndex: 0, canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } } });

/** The analysis timeout passed without a verdict: the run and the experiment end Inconclusive, Argo pauses. */
export const inconclusive = (step: number): Frame => (fake, rollout) => {
  const run = fake.get('analysisruns', NS, runName(step))!;
  run.status.phase = 'Inconclusive';
  fake.put('analysisruns', run);
  const experiment = fake.get('experiments', NS, expName(step))!;
  experiment.status.phase = 'Inconclusive';
  fake.put('experiments', experiment);
  setStatus(fake, rollout, { phase: 'Paused', message: 'InconclusiveExperiment', controllerPause: true, pauseConditions: [{ reason: 'InconclusiveExperiment', startTime: '2026-12-06T10:10:00Z' }] });
};

/** Holds until status.abort arrives (keelson's abort patch), then rolls back like Argo. */
export const rollsBackOnAbort: Frame = (fake, rollout) => {
  if (rollout.status?.abort !== true) return false;
  setStatus(fake, rollout, { phase: 'Degraded', message: 'RolloutAborted: Rollout aborted update to revision 2', pauseConditions: null, controllerPause: false });
  return true;
};

/** The last step's judge promoted: the canary becomes stable. */
export const healthy: Frame = (fake, rollout) =>
  setStatus(fake, rollout, { ...healthyStatus(rollout.metadata.generation, NEW), canary: { weights: { canary: { weight: 0 }, stable: { weight: 100 } } } });
