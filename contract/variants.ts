/** The arms of a rollout and how traffic is split between them: the router, the controller, dashboards and infra all speak of these. */

/** The three arms traffic can go to: production, a fresh copy of production, the new version. */
export const VARIANTS = ['stable', 'baseline', 'canary'] as const;
export type Variant = (typeof VARIANTS)[number];

/** Traffic share per variant, in percent; they sum to 100. */
export type Weights = Record<Variant, number>;

/** Everything to the stable version: outside a rollout, and where a rollback ends. */
export const ALL_STABLE: Weights = Object.freeze({ stable: 100, baseline: 0, canary: 0 });
