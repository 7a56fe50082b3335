import { Gauge, type Registry } from 'prom-client';
import type { Decision } from '../../contract/decisions.js';
import { ROLLOUT_METRIC_HELP, ROLLOUT_WEIGHT_METRIC, VARIANT_LABEL } from '../../contract/metrics.js';
import { ALL_STABLE, VARIANTS, type Weights } from '../../contract/variants.js';

export interface WeightExportOptions {
  registry: Registry;
  /** Unix seconds. */
  now: () => number;
  /** Seconds without a call for a model after which its analysis is taken to have ended (stable 100). */
  staleAfterS: number;
}

/** The last-known traffic split per model, from the judge's calls. */
export interface WeightExport {
  /** A call for `model` at `canaryWeight` (before its verdict is known). */
  called(model: string, canaryWeight: number): void;
  /** The call's verdict: promote or rollback ends the step's experiment, so its arms get no more traffic. */
  decided(model: string, decision: Decision): void;
}

/** Traffic while a step's experiment runs: baseline and canary each get the step's weight (infra/render/rollout.ts). */
export function stepWeights(canaryWeight: number): Weights {
  return { stable: 100 - 2 * canaryWeight, baseline: canaryWeight, canary: canaryWeight };
}

/**
 * Exports `keelson_rollout_weight{model,variant}` from what Argo tells the judge (Argo Rollouts exports no weight
 * metric): the step's split while its analysis calls, stable 100 once a verdict ends the step or the calls stop.
 */
export function createWeightExport(options: WeightExportOptions): WeightExport {
  const known = new Map<string, { weights: Weights; at: number }>();
  new Gauge({
    name: ROLLOUT_WEIGHT_METRIC,
    help: ROLLOUT_METRIC_HELP[ROLLOUT_WEIGHT_METRIC],
    labelNames: ['model', VARIANT_LABEL] as const,
    registers: [options.registry],
    collect() {
      const now = options.now();
      for (const [model, { weights, at }] of known) {
        const current = now - at > options.staleAfterS ? ALL_STABLE : weights;
        for (const variant of VARIANTS) this.set({ model, [VARIANT_LABEL]: variant }, current[variant]);
      }
    },
  });
  return {
    called(model, canaryWeight) {
      known.set(model, { weights: stepWeights(canaryWeight), at: options.now() });
    },
    decided(model, decision) {
      if (decision !== 'continue') known.set(model, { weights: ALL_STABLE, at: options.now() });
    },
  };
}
