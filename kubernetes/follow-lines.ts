/** One line of progress per follow event (zx's habit: one formatter per kind). */
import type { FollowEvent } from './rollout-progress.js';

type Formatters = { [K in FollowEvent['kind']]: (event: Extract<FollowEvent, { kind: K }>) => string };

const formatters: Formatters = {
  step: (e) => `step ${e.step}/${e.total}: experiment with the canary and a matched baseline at ${e.weight}% each`,
  weights: (e) => `weights: stable ${e.stable}%, canary ${e.canary}%, experiment arms ${e.arms}%`,
  experiment: (e) => `experiment ${e.name} started`,
  analysis: (e) => `analysis run ${e.name} started (the keelson judge)`,
  measurement: (e) => `judge at step ${e.judgement.step}: ${e.judgement.decision ?? e.judgement.phase} (${e.judgement.phase})${e.judgement.reasons.length > 0 ? `: ${e.judgement.reasons.join('; ')}` : ''}`,
  paused: (e) =>
    e.abort
      ? `paused: ${e.reason}: the judge reached no verdict before the analysis timeout; aborting the Rollout (the local platform rolls back on an analysis timeout)`
      : `paused: ${e.reason}: waiting for keelson deploy promote (or abort)`,
};

/** The line a person reads for one event. */
export function describeEvent(event: FollowEvent): string {
  return (formatters[event.kind] as (e: FollowEvent) => string)(event);
}
