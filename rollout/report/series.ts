import { ALL_STABLE, VARIANTS, type Variant } from '../../contract/variants.js';
import type { ArmSnapshot } from '../judge-port.js';
import type { RolloutRecordBook } from '../timeline.js';

export type Arm = 'baseline' | 'canary';
export const ARMS: readonly Arm[] = ['baseline', 'canary'];
export type Point = [number, number];

/**
 * A quantile from cumulative histogram counts (linear within the bucket, as PromQL's histogram_quantile);
 * null without observations. Observations above the last finite bucket report that bucket's bound.
 */
export function histogramQuantile(q: number, buckets: readonly number[], counts: readonly number[], total: number): number | null {
  if (total <= 0) return null;
  const rank = q * total;
  let previousBound = 0;
  let previousCount = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = counts[i] ?? previousCount;
    if (count >= rank) {
      const inBucket = count - previousCount;
      const fraction = inBucket > 0 ? (rank - previousCount) / inBucket : 1;
      return previousBound + (buckets[i]! - previousBound) * fraction;
    }
    previousBound = buckets[i]!;
    previousCount = count;
  }
  return buckets.at(-1) ?? null;
}

/** Counts between two looks (cumulative minus cumulative). */
function delta(current: ArmSnapshot, previous: ArmSnapshot | undefined): ArmSnapshot {
  if (!previous) return current;
  const sameBuckets = previous.latency.buckets.length === current.latency.buckets.length;
  const latency = sameBuckets
    ? {
        buckets: current.latency.buckets,
        counts: current.latency.counts.map((c, i) => c - (previous.latency.counts[i] ?? 0)),
        count: current.latency.count - previous.latency.count,
      }
    : current.latency;
  return { requests: current.requests - previous.requests, errors: current.errors - previous.errors, latency, predictions: {} };
}

/**
 * One point per arm per look, from the counts since that arm's previous look; `value` returns null to skip a
 * look (no requests, no latency observation).
 */
function perLookSeries(book: RolloutRecordBook, value: (sinceLastLook: ArmSnapshot) => number | null): Record<Arm, Point[]> {
  const out: Record<Arm, Point[]> = { baseline: [], canary: [] };
  const previous: Partial<Record<Arm, ArmSnapshot>> = {};
  for (const sample of book.samples) {
    for (const arm of ARMS) {
      const counts = sample.snapshot?.[arm];
      if (!counts) continue;
      const y = value(delta(counts, previous[arm]));
      previous[arm] = counts;
      if (y !== null) out[arm].push([sample.t, y]);
    }
  }
  return out;
}

/** Latency quantile (ms) per arm per look, over the requests since the previous look. */
export function latencySeries(book: RolloutRecordBook, q: number): Record<Arm, Point[]> {
  return perLookSeries(book, (d) => {
    const seconds = histogramQuantile(q, d.latency.buckets, d.latency.counts, d.latency.count);
    return seconds === null ? null : seconds * 1_000;
  });
}

/** Error rate (%) per arm per look, over the requests since the previous look. */
export function errorRateSeries(book: RolloutRecordBook): Record<Arm, Point[]> {
  return perLookSeries(book, (d) => (d.requests > 0 ? (100 * d.errors) / d.requests : null));
}

/** Predicted-class counts per arm at the last look with data. */
export function classMix(book: RolloutRecordBook): Record<Arm, Record<string, number>> {
  const totals = armTotals(book);
  return { baseline: { ...(totals?.baseline.predictions ?? {}) }, canary: { ...(totals?.canary.predictions ?? {}) } };
}

/** Weight per variant over time, as steps (from the step events, then the end). */
export function weightSeries(book: RolloutRecordBook, endT: number): Record<Variant, Point[]> {
  const out = { stable: [[0, 100]] as Point[], baseline: [[0, 0]] as Point[], canary: [[0, 0]] as Point[] };
  for (const event of book.events) {
    if (!event.weights) continue;
    for (const v of VARIANTS) out[v].push([event.t, event.weights[v]]);
  }
  // Either way the rollout ends with everything on stable (after a promotion, stable is the new version).
  for (const v of VARIANTS) out[v].push([endT, ALL_STABLE[v]]);
  return out;
}

/** Arm totals at the last look where both arms had data. */
export function armTotals(book: RolloutRecordBook): Record<Arm, ArmSnapshot> | null {
  for (let i = book.samples.length - 1; i >= 0; i--) {
    const snapshot = book.samples[i]!.snapshot;
    if (snapshot?.baseline && snapshot.canary) return { baseline: snapshot.baseline, canary: snapshot.canary };
  }
  return null;
}
