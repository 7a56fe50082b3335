/** `keelson deploy status`: the Rollout as a person reads it. Pure. */
import type { Observation } from './rollout-progress.js';
import { imageOf, judgeAnswer, modelOf, revisionOf, stepWeights } from './rollout-objects.js';

/** Lines of `keelson deploy status`; `stableImage` comes from the stable ReplicaSet (the Rollout holds only the desired template). */
export function statusLines(o: Observation, stableImage: string | undefined): string[] {
  const r = o.rollout;
  const s = r.status ?? {};
  const weights = stepWeights(r);
  const index = s.currentStepIndex ?? 0;
  const step = index >= weights.length ? `all ${weights.length} steps done` : `${index + 1}/${weights.length} (${weights[index]}% canary + ${weights[index]}% baseline)`;
  const w = s.canary?.weights;
  const arms = (w?.additional ?? []).reduce((sum, a) => sum + (a.weight ?? 0), 0);
  const progressing = s.currentPodHash !== undefined && s.currentPodHash !== s.stableRS;
  const measurements = o.analysisRun?.status?.metricResults?.[0]?.measurements ?? [];
  const last = measurements.filter((m) => m.phase && m.phase !== 'Running').at(-1);
  const verdict = last ? `${judgeAnswer(last).decision ?? last.phase} (${last.phase}): ${judgeAnswer(last).reasons.join('; ') || 'no reasons'}` : 'none yet';
  return [
    `Rollout ${r.metadata.name} in ${r.metadata.namespace ?? '?'}: ${s.phase ?? 'no status yet'}${s.message ? ` (${s.message})` : ''}${s.abort ? ', aborted' : ''}`,
    `revision:   ${revisionOf(r) ?? '?'} (generation ${r.metadata.generation ?? '?'}, observed ${s.observedGeneration ?? 'not yet'})`,
    `step:       ${step}${(s.pauseConditions ?? []).length > 0 ? `, paused: ${(s.pauseConditions ?? []).map((p) => p.reason).join(', ')}` : ''}`,
    `weights:    ${w ? `stable ${w.stable?.weight ?? 0}%, canary ${w.canary?.weight ?? 0}%, experiment arms ${arms}%` : 'not reported'}`,
    `stable:     ${(progressing ? stableImage : imageOf(r)) ?? `ReplicaSet ${r.metadata.name}-${s.stableRS ?? '?'}`}`,
    `canary:     ${progressing ? `${imageOf(r)} (model ${modelOf(r) ?? '?'})` : 'none (nothing in progress)'}`,
    `last judge: ${verdict}`,
  ];
}
