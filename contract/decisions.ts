/** What canary analysis decides and who may end a rollout: the judge, the controller, the platform and the dashboards share these. */

/** The judge's verdict at each look; also the `decision` label of `keelson_rollout_verdict`. */
export const DECISIONS = ['continue', 'promote', 'rollback'] as const;
export type Decision = (typeof DECISIONS)[number];

/**
 * Who ended a rollout. `judge`: canary analysis (a verdict, or the analysis window ending without the evidence
 * to promote). `person`: `keelson promote` / `keelson rollback`. `platform`: an arm failed, never became ready,
 * or the platform's watchdog rolled back. `controller`: the controller itself stopped (interrupted, past its
 * deadline, or the platform stayed unreachable); then nothing was decided about the canary. `rollback-window`:
 * a return to a version that was stable before, with the same bytes, promoted without analysis.
 */
export const ROLLOUT_DECIDERS = ['judge', 'person', 'platform', 'controller', 'rollback-window'] as const;
export type RolloutDecider = (typeof ROLLOUT_DECIDERS)[number];
