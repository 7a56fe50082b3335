import { histogramIncrement, histogramQuantile } from '../histogram.js';
import type { ArmSnapshot } from '../types.js';
import type { ArmPair } from '../sequential/shared.js';

/** One arm's data for one interval between looks (what Kayenta would get from one step of a time series query). */
export interface IntervalValues {
  requests: number;
  errors: number;
  latency: Record<string, number>;
  predictions: Record<string, number>;
}

/** Keeps each interval's values per arm, so every look can rerun the classification on all intervals so far. */
export function createIntervalSeries(quantiles: number[]) {
  const arms = { baseline: [] as IntervalValues[], canary: [] as IntervalValues[] };

  function interval(now: ArmSnapshot, before: ArmSnapshot | null): IntervalValues {
    const latency = histogramIncrement(now.latency, before?.latency ?? null);
    const values: Record<string, number> = {};
    for (const q of quantiles) {
      const v = histogramQuantile(latency, q);
      if (v !== null) values[String(q)] = v;
    }
    const predictions: Record<string, number> = {};
    for (const [label, n] of Object.entries(now.predictions)) predictions[label] = Math.max(0, n - (before?.predictions[label] ?? 0));
    return {
      requests: Math.max(0, now.requests - (before?.requests ?? 0)),
      errors: Math.max(0, now.errors - (before?.errors ?? 0)),
      latency: values,
      predictions,
    };
  }

  return {
    arms,
    observe(previous: ArmPair | null, current: ArmPair): void {
      arms.baseline.push(interval(current.baseline, previous?.baseline ?? null));
      arms.canary.push(interval(current.canary, previous?.canary ?? null));
    },
  };
}

/** Error rate per interval that saw requests. */
export function errorRates(values: IntervalValues[]): number[] {
  return values.filter((v) => v.requests > 0).map((v) => v.errors / v.requests);
}

/** The latency quantile per interval that saw requests. */
export function latencyValues(values: IntervalValues[], quantile: number): number[] {
  return values.map((v) => v.latency[String(quantile)]).filter((v): v is number => v !== undefined);
}

/** A class's share of the predictions per interval that had predictions. */
export function classShares(values: IntervalValues[], label: string): number[] {
  return values
    .map((v) => {
      const total = Object.values(v.predictions).reduce((s, n) => s + n, 0);
      return total > 0 ? (v.predictions[label] ?? 0) / total : null;
    })
    .filter((v): v is number => v !== null);
}
