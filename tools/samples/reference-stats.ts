import type { FeatureReference } from '../../service/src/manifest.js';
import { binIndex } from '../../service/src/metrics/drift.js';

/**
 * Drift reference for one feature: inner decile edges of the training values (duplicates removed, so a
 * feature with ties may have fewer bins) and the fraction of training values per bin. A value `v` falls
 * in bin `i` = the number of edges `<= v` (so bin `i` holds `edges[i-1] <= v < edges[i]`): the service's `binIndex`,
 * so that the references and the live drift metric bin alike.
 */
export function featureReference(values: readonly number[], binCount = 10): FeatureReference {
  const sorted = [...values].sort((a, b) => a - b);
  const candidates = Array.from({ length: binCount - 1 }, (_, i) => quantile(sorted, (i + 1) / binCount));
  const edges = candidates.filter((edge, i) => i === 0 || edge > candidates[i - 1]);
  const counts = new Array<number>(edges.length + 1).fill(0);
  for (const v of values) counts[binIndex(edges, v)]++;
  return { edges, fractions: counts.map((c) => c / values.length) };
}

/** Linear-interpolation quantile of ascending `sorted` values (the common "type 7" definition). */
function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.min(below + 1, sorted.length - 1);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}

/** Fraction of predictions per class label (every label present, zero when never predicted). */
export function classMix(predictions: readonly number[], labels: readonly string[]): Record<string, number> {
  const counts = labels.map(() => 0);
  for (const p of predictions) counts[p]++;
  return Object.fromEntries(labels.map((label, i) => [label, predictions.length === 0 ? 0 : counts[i] / predictions.length]));
}

/** Largest per-class difference between two class mixes, as a fraction (0.15 = 15 percentage points). */
export function classMixShift(a: Record<string, number>, b: Record<string, number>): number {
  const labels = new Set([...Object.keys(a), ...Object.keys(b)]);
  return Math.max(0, ...[...labels].map((label) => Math.abs((a[label] ?? 0) - (b[label] ?? 0))));
}
