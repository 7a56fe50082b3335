/**
 * Following an Argo Rollout: successive observations (the Rollout, its current Experiment and the judge's
 * AnalysisRun) become progress events, at most one action (abort a Rollout paused without a verdict) and, in the
 * end, an outcome. Pure: the driver (`follow.ts`) does the reading and the patching.
 */
import {
  experimentRunName, imageOf, INCONCLUSIVE_PAUSES, isObserved, isPromoted, judgeAnswer, revisionOf, stepWeights,
  type AnalysisRunObject, type ExperimentObject, type RolloutObject,
} from './rollout-objects.js';

export interface Observation {
  rollout: RolloutObject;
  experiment?: ExperimentObject;
  analysisRun?: AnalysisRunObject;
}

/** One judge measurement, as the summary's steps table shows it. */
export interface Judgement {
  step: number;
  phase: string;
  decision?: string;
  reasons: string[];
}

export type FollowEvent =
  | { kind: 'step'; step: number; total: number; weight: number }
  | { kind: 'weights'; canary: number; stable: number; arms: number }
  | { kind: 'experiment'; name: string }
  | { kind: 'analysis'; name: string }
  | { kind: 'measurement'; judgement: Judgement }
  | { kind: 'paused'; reason: string; abort: boolean };

export type FollowOutcome =
  | { kind: 'promoted'; revision?: string; image?: string }
  | { kind: 'rolled-back'; by: 'judge' | 'inconclusive' | 'person' | 'controller'; reason: string };

/** What the follower remembers between observations. */
export interface FollowState {
  total: number;
  weights: number[];
  step?: number;
  weightKey?: string;
  experiment?: string;
  analysisRun?: string;
  seen: number;
  judgements: Judgement[];
  analysisFailed: boolean;
  pausedFor?: string;
  /** keelson asked Argo to abort (a pause without a verdict): the Degraded that follows is that abort. */
  abortSent?: string;
}

export interface FollowStep {
  state: FollowState;
  events: FollowEvent[];
  /** Set when the Rollout must be aborted now: it paused because the judge reached no verdict in time. */
  abort?: string;
  outcome?: FollowOutcome;
}

const FAILED = ['Failed', 'Error'];

export function initialState(rollout: RolloutObject): FollowState {
  const weights = stepWeights(rollout);
  return { total: weights.length, weights, seen: 0, judgements: [], analysisFailed: false };
}

/** The names the driver should read next: the Rollout's current ones, else the last ones seen (they outlive an abort). */
export function namesToRead(state: FollowState, rollout: RolloutObject, experiment?: ExperimentObject): { experiment?: string; analysisRun?: string } {
  const exp = rollout.status?.canary?.currentExperiment ?? state.experiment;
  const run = experimentRunName(experiment) ?? rollout.status?.canary?.currentStepAnalysisRunStatus?.name ?? state.analysisRun;
  return { ...(exp ? { experiment: exp } : {}), ...(run ? { analysisRun: run } : {}) };
}

/** Folds one observation into the state. */
export function observe(previous: FollowState, o: Observation): FollowStep {
  const state: FollowState = { ...previous, judgements: [...previous.judgements] };
  const events: FollowEvent[] = [];
  const s = o.rollout.status ?? {};
  if (!isObserved(o.rollout)) return { state, events };

  const index = s.currentStepIndex ?? 0;
  if (index < state.total && index !== state.step) {
    state.step = index;
    events.push({ kind: 'step', step: index + 1, total: state.total, weight: state.weights[index] ?? 0 });
  }
  const w = s.canary?.weights;
  if (w) {
    const arms = (w.additional ?? []).reduce((sum, a) => sum + (a.weight ?? 0), 0);
    const key = `${w.canary?.weight ?? 0}/${w.stable?.weight ?? 0}/${arms}`;
    if (key !== state.weightKey) {
      state.weightKey = key;
      events.push({ kind: 'weights', canary: w.canary?.weight ?? 0, stable: w.stable?.weight ?? 0, arms });
    }
  }
  if (o.experiment && o.experiment.metadata.name !== state.experiment) {
    state.experiment = o.experiment.metadata.name;
    events.push({ kind: 'experiment', name: state.experiment });
  }
  if (o.analysisRun && o.analysisRun.metadata.name !== state.analysisRun) {
    state.analysisRun = o.analysisRun.metadata.name;
    state.seen = 0;
    events.push({ kind: 'analysis', name: state.analysisRun });
  }
  if (o.analysisRun) {
    const measurements = o.analysisRun.status?.metricResults?.[0]?.measurements ?? [];
    for (const m of measurements.slice(state.seen).filter((m) => m.phase && m.phase !== 'Running')) {
      const judgement: Judgement = { step: (state.step ?? 0) + 1, phase: m.phase!, ...judgeAnswer(m) };
      state.judgements.push(judgement);
      // A failed measurement fails the run (failureLimit 0): evidence even if the run's own phase is read too late.
      if (FAILED.includes(judgement.phase)) state.analysisFailed = true;
      events.push({ kind: 'measurement', judgement });
      state.seen += 1;
    }
    if (FAILED.includes(o.analysisRun.status?.phase ?? '')) state.analysisFailed = true;
  }
  if (FAILED.includes(o.experiment?.status?.phase ?? '')) state.analysisFailed = true;

  if (isPromoted(o.rollout)) return { state, events, outcome: { kind: 'promoted', ...defined({ revision: revisionOf(o.rollout), image: imageOf(o.rollout) }) } };
  if (s.abort || s.phase === 'Degraded') return { state, events, outcome: rolledBack(state, o) };

  const pause = s.pauseConditions?.[0]?.reason;
  if (s.phase === 'Paused' && pause && pause !== state.pausedFor) {
    state.pausedFor = pause;
    const abort = INCONCLUSIVE_PAUSES.includes(pause);
    events.push({ kind: 'paused', reason: pause, abort });
    if (abort) {
      state.abortSent = inconclusiveReason(state, pause);
      return { state, events, abort: state.abortSent };
    }
  }
  return { state, events };
}

function rolledBack(state: FollowState, o: Observation): FollowOutcome {
  const message = o.rollout.status?.message ?? 'Degraded';
  if (state.abortSent) return { kind: 'rolled-back', by: 'inconclusive', reason: state.abortSent };
  const failed = state.analysisFailed || /assessed (Failed|Error)|Experiment .* (failed|errored)/i.test(message);
  if (failed) {
    const last = [...state.judgements].reverse().find((j) => j.decision === 'rollback' || j.phase === 'Failed');
    const where = last ? ` at step ${last.step}/${state.total}` : '';
    const why = last && last.reasons.length > 0 ? last.reasons.join('; ') : (o.analysisRun?.status?.message ?? message);
    return { kind: 'rolled-back', by: 'judge', reason: `the judge rolled back the canary${where}: ${why}` };
  }
  if (o.rollout.status?.abort) return { kind: 'rolled-back', by: 'person', reason: `a person aborted the Rollout (status.abort set, no analysis failed): ${message}` };
  return { kind: 'rolled-back', by: 'controller', reason: message };
}

function inconclusiveReason(state: FollowState, pause: string): string {
  const last = state.judgements.at(-1);
  const reasons = last && last.reasons.length > 0 ? ` Last reasons: ${last.reasons.join('; ')}` : '';
  return (
    `the judge reached no verdict before the analysis timeout at step ${(state.step ?? 0) + 1}/${state.total} (${pause}); ` +
    `keelson aborted the Rollout, as the local platform rolls back on an analysis timeout.${reasons}`
  );
}

function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
