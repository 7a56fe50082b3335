import type { LatencyHistogram } from './types.js';

/**
 * Helpers for cumulative (Prometheus-style) histograms. Inside a bucket, observations are taken as spread evenly on a
 * log scale (latency buckets are spaced geometrically, and a latency distribution is roughly flat in log-latency
 * across one bucket); Prometheus' histogram_quantile spreads them linearly, which understates shifts inside wide
 * buckets. The first bucket (from 0) is linear.
 */

/** Where x sits between lower and upper, from 0 to 1. */
function position(x: number, lower: number, upper: number): number {
  if (lower <= 0) return (x - lower) / (upper - lower);
  return Math.log(x / lower) / Math.log(upper / lower);
}

/** The value at position f (0..1) between lower and upper; the inverse of `position`. */
function valueAt(f: number, lower: number, upper: number): number {
  if (lower <= 0) return lower + f * (upper - lower);
  return lower * Math.pow(upper / lower, f);
}

/** Whether two histograms share bucket boundaries (their counts can be compared bucket by bucket). */
export function sameBuckets(a: LatencyHistogram, b: LatencyHistogram): boolean {
  return a.buckets.length === b.buckets.length && a.buckets.every((bound, i) => bound === b.buckets[i]);
}

/** `later − earlier`, bucket by bucket (the requests observed between two cumulative snapshots); never negative. */
export function histogramIncrement(later: LatencyHistogram, earlier: LatencyHistogram | null): LatencyHistogram {
  if (!earlier || !sameBuckets(later, earlier)) return { buckets: later.buckets, counts: [...later.counts], count: later.count };
  return {
    buckets: later.buckets,
    counts: later.counts.map((c, i) => Math.max(0, c - earlier.counts[i]!)),
    count: Math.max(0, later.count - earlier.count),
  };
}

/** Number of observations at or below `x` (interpolated inside its bucket; the +Inf bucket is never split). */
export function countAtOrBelow(h: LatencyHistogram, x: number): number {
  const { buckets, counts } = h;
  if (buckets.length === 0 || x <= 0) return 0;
  const last = buckets.length - 1;
  if (x >= buckets[last]!) return counts[last]!;
  // Binary search for the first boundary ≥ x.
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (buckets[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  const upper = buckets[lo]!;
  const lower = lo === 0 ? 0 : buckets[lo - 1]!;
  const below = lo === 0 ? 0 : counts[lo - 1]!;
  const inBucket = counts[lo]! - below;
  return below + inBucket * position(x, lower, upper);
}

/**
 * Observations above each of `thresholds` (ascending), in one pass over the buckets: what `countAbove` gives for
 * each threshold, without a search per threshold. Writes into `out` (same length as `thresholds`).
 */
export function countsAboveAscending(h: LatencyHistogram, thresholds: ArrayLike<number>, out: Float64Array): void {
  const { buckets, counts, count } = h;
  const last = buckets.length - 1;
  let bucket = 0;
  for (let i = 0; i < thresholds.length; i++) {
    const x = thresholds[i]!;
    if (buckets.length === 0 || x <= 0) {
      out[i] = count;
      continue;
    }
    if (x >= buckets[last]!) {
      out[i] = Math.max(0, count - counts[last]!);
      continue;
    }
    while (buckets[bucket]! < x) bucket++;
    const lower = bucket === 0 ? 0 : buckets[bucket - 1]!;
    const below = bucket === 0 ? 0 : counts[bucket - 1]!;
    out[i] = Math.max(0, count - below - (counts[bucket]! - below) * position(x, lower, buckets[bucket]!));
  }
}

/** Number of observations above `x`. */
export function countAbove(h: LatencyHistogram, x: number): number {
  return Math.max(0, h.count - countAtOrBelow(h, x));
}

/** The q-quantile (interpolated as above; beyond the last finite bucket, that bucket's bound); null without observations. */
export function histogramQuantile(h: LatencyHistogram, q: number): number | null {
  const { buckets, counts, count } = h;
  if (count <= 0 || buckets.length === 0) return null;
  const rank = q * count;
  for (let i = 0; i < buckets.length; i++) {
    if (counts[i]! >= rank) {
      const lower = i === 0 ? 0 : buckets[i - 1]!;
      const below = i === 0 ? 0 : counts[i - 1]!;
      const inBucket = counts[i]! - below;
      if (inBucket <= 0) return lower;
      return valueAt((rank - below) / inBucket, lower, buckets[i]!);
    }
  }
  return buckets[buckets.length - 1]!;
}

/** Checks the shape: increasing boundaries, non-decreasing counts ≤ count. Returns a problem or null. */
export function histogramProblem(h: LatencyHistogram): string | null {
  if (h.buckets.length !== h.counts.length) return `buckets (${h.buckets.length}) and counts (${h.counts.length}) differ in length`;
  for (let i = 0; i < h.buckets.length; i++) {
    if (!(h.buckets[i]! > 0) || (i > 0 && !(h.buckets[i]! > h.buckets[i - 1]!))) return `buckets must be positive and increasing (bucket ${i} is ${h.buckets[i]})`;
    if (i > 0 && h.counts[i]! < h.counts[i - 1]!) return `counts must be cumulative (count ${i} is ${h.counts[i]}, below ${h.counts[i - 1]})`;
  }
  const last = h.counts[h.counts.length - 1];
  if (last !== undefined && last > h.count) return `count (${h.count}) must be at least the last bucket's count (${last})`;
  return null;
}
