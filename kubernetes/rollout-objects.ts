/** The fields of Argo Rollouts' Rollout, Experiment and AnalysisRun that keelson reads, and plain readings of them. Pure. */

export interface PauseCondition {
  reason: string;
  startTime?: string;
}

export interface Weights {
  canary?: { weight?: number };
  stable?: { weight?: number };
  additional?: { weight?: number; podTemplateHash?: string }[];
}

export interface RolloutObject {
  metadata: { name: string; namespace?: string; generation?: number; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: {
    paused?: boolean;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: { image?: string }[] } };
    strategy?: { canary?: { steps?: { experiment?: { templates?: { weight?: number }[] } }[] } };
  };
  status?: {
    /** A string in Argo's API, unlike Deployments'. */
    observedGeneration?: string;
    phase?: string;
    message?: string;
    abort?: boolean;
    currentStepIndex?: number;
    currentPodHash?: string;
    stableRS?: string;
    controllerPause?: boolean;
    pauseConditions?: PauseCondition[] | null;
    canary?: { currentExperiment?: string; currentStepAnalysisRunStatus?: { name?: string; status?: string; message?: string }; weights?: Weights };
  };
}

export interface ExperimentObject {
  metadata: { name: string };
  status?: { phase?: string; message?: string; analysisRuns?: { name: string; analysisRun?: string; phase?: string; message?: string }[] };
}

export interface Measurement {
  phase?: string;
  value?: string;
  message?: string;
  finishedAt?: string;
}

export interface AnalysisRunObject {
  metadata: { name: string };
  status?: { phase?: string; message?: string; metricResults?: { name: string; phase?: string; message?: string; measurements?: Measurement[] }[] };
}

/** Pause reasons that mean the judge reached no verdict before the analysis timeout. */
export const INCONCLUSIVE_PAUSES = ['InconclusiveAnalysisRun', 'InconclusiveExperiment'];

/** The Rollout's revision number (`rollout.argoproj.io/revision`). */
export function revisionOf(rollout: RolloutObject): string | undefined {
  return rollout.metadata.annotations?.['rollout.argoproj.io/revision'];
}

/** The image of the pod template's first container. */
export function imageOf(rollout: RolloutObject): string | undefined {
  return rollout.spec?.template?.spec?.containers?.[0]?.image;
}

/** `penguins:2` from the pod template's model labels. */
export function modelOf(rollout: RolloutObject): string | undefined {
  const labels = rollout.spec?.template?.metadata?.labels ?? {};
  const name = labels['keelson.dev/model'];
  return name ? `${name}:${labels['keelson.dev/model-version'] ?? '?'}` : undefined;
}

/** Each step's traffic share (the experiment arms' weight). */
export function stepWeights(rollout: RolloutObject): number[] {
  return (rollout.spec?.strategy?.canary?.steps ?? []).map((step) => step.experiment?.templates?.[0]?.weight ?? 0);
}

/** The controller has seen the current spec (`observedGeneration` is a string). */
export function isObserved(rollout: RolloutObject): boolean {
  return rollout.metadata.generation !== undefined && rollout.status?.observedGeneration === String(rollout.metadata.generation);
}

/** Healthy at the spec's own revision: the canary became stable. */
export function isPromoted(rollout: RolloutObject): boolean {
  const s = rollout.status;
  return isObserved(rollout) && s?.phase === 'Healthy' && !s.abort && s.stableRS !== undefined && s.stableRS === s.currentPodHash;
}

/** Progressing (or paused) toward a revision that is not stable yet, and not aborted. */
export function isInProgress(rollout: RolloutObject): boolean {
  const s = rollout.status;
  if (!s || s.abort || s.phase === 'Degraded') return false;
  return s.phase === 'Progressing' || s.phase === 'Paused' || (s.currentPodHash !== undefined && s.currentPodHash !== s.stableRS);
}

/** The judge's answer in a measurement's value: `{"decision":"rollback","reasons":[…]}` (jsonPath `{$.verdict}`). */
export function judgeAnswer(measurement: Measurement): { decision?: string; reasons: string[] } {
  try {
    const value = JSON.parse(measurement.value ?? '') as { decision?: unknown; reasons?: unknown };
    const reasons = Array.isArray(value.reasons) ? value.reasons.map(String) : [];
    return { ...(typeof value.decision === 'string' ? { decision: value.decision } : {}), reasons };
  } catch {
    const text = measurement.message ?? measurement.value;
    return { reasons: text ? [text] : [] };
  }
}

/** The AnalysisRun the current experiment step runs (the judge's), by name. */
export function experimentRunName(experiment: ExperimentObject | undefined): string | undefined {
  return experiment?.status?.analysisRuns?.[0]?.analysisRun;
}
