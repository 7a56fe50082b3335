import { histogramIncrement, sameBuckets } from '../histogram.js';
import type { ArmSnapshot, LatencyHistogram, MetricResult } from '../types.js';

/** Confidence of the bounds shown in sentences (the decisions use their own, stricter levels). */
export const DISPLAY_CONFIDENCE = 0.95;

/** Settings every sequential metric test receives. */
export interface TestSettings {
  /** This metric's share of the policy's alpha (the bound on false rollbacks). */
  alpha: number;
  /** The bound on calling the metric within tolerance when it is not. */
  promotionAlpha: number;
  /** The canary's share of baseline + canary traffic (ρ). */
  canaryShare: number;
  tolerance: number;
  critical: boolean;
}

/** Cumulative data of both arms at one look. */
export interface ArmPair {
  baseline: ArmSnapshot;
  canary: ArmSnapshot;
}

/** A metric test that folds in each look's data and reports where it stands. */
export interface SequentialMetric {
  observe(previous: ArmPair | null, current: ArmPair): void;
  result(current: ArmPair): MetricResult;
}

/**
 * The latency observed by each arm in the interval since the previous look, once the baseline's earlier data
 * (`previous.baseline.latency`, what thresholds are taken from) holds `minBaseline` requests; null before, or when
 * the arms' buckets differ.
 */
export function intervalLatency(previous: ArmPair | null, current: ArmPair, minBaseline: number): { baseline: LatencyHistogram; canary: LatencyHistogram; before: LatencyHistogram } | null {
  if (!previous || previous.baseline.latency.count < minBaseline) return null;
  if (!sameBuckets(current.baseline.latency, current.canary.latency)) return null;
  return {
    baseline: histogramIncrement(current.baseline.latency, previous.baseline.latency),
    canary: histogramIncrement(current.canary.latency, previous.canary.latency),
    before: previous.baseline.latency,
  };
}

/** log(mean(exp(values))), without overflow. */
export function logMeanExp(values: number[]): number {
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return max;
  return max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0) / values.length);
}

/** Caps an e-value for display (they can exceed 1e300 after a long clear regression). */
export function eValue(logE: number): number {
  return Math.exp(Math.min(logE, 700));
}
