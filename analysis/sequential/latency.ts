import { centeredPrior, logMixtureAbove, logMixtureBelow, logMixtureVsPoint, type SplitCounts } from '../stats/beta-mixture.js';
import { countAbove, countsAboveAscending, histogramQuantile, sameBuckets } from '../histogram.js';
import { count, quantileName, signedPercent } from '../format.js';
import type { LatencyHistogram, MetricResult } from '../types.js';
import { DISPLAY_CONFIDENCE, eValue, intervalLatency, logMeanExp, type ArmPair, type SequentialMetric, type TestSettings } from './shared.js';

/**
 * Latency: is the canary stochastically slower than (1 + tolerance) × baseline?
 *
 * For each quantile level ℓ and each interval between looks, the threshold x is the baseline's ℓ-quantile from the
 * data before that interval (so it is fixed before the interval's data arrive). Two kinds of events follow:
 *   E: a baseline request slower than x, or a canary request slower than (1 + tolerance)·x;
 *   N: a baseline request at most x, or a canary request at most (1 + tolerance)·x.
 * If the canary is not slower than (1 + tolerance) × baseline, an E event is a canary one with probability ≤ ρ and an
 * N event with probability ≥ ρ, whatever the load does. The regression martingale is the product of the two
 * one-sided Beta mixtures (E above ρ, N below ρ), averaged over the levels; the "within tolerance" martingale mirrors
 * it and must succeed at every level. Counts inside a bucket are interpolated linearly.
 */

/** Pseudo-count of the Beta prior on the canary share: effects of a few points around ρ are typical. */
const PRIOR_CONCENTRATION = 60;
/** The baseline needs this many observations before its quantile serves as a threshold. */
const MIN_THRESHOLD_OBSERVATIONS = 20;
/** Scale factors (canary/baseline) for the displayed bounds: −75% … +300% in 1% log steps. */
const GRID = Array.from({ length: 278 }, (_, i) => Math.exp(Math.log(0.25) + i * 0.01));

interface LevelCounts {
  level: number;
  canaryAbove: number;
  canaryTested: number;
  baselineAbove: number;
  baselineTested: number;
  /** Canary requests above (grid factor)·x, per grid factor. */
  gridCanaryAbove: Float64Array;
}

interface LevelVerdict {
  level: number;
  logRegression: number;
  logWithin: number;
}

/** Creates the sequential latency test. */
export function createLatencyTest(settings: TestSettings & { quantiles: number[] }): SequentialMetric {
  const rho = settings.canaryShare;
  const prior = centeredPrior(rho, PRIOR_CONCENTRATION);
  const factor = 1 + settings.tolerance;
  const thresholds = new Float64Array(GRID.length);
  const above = new Float64Array(GRID.length);
  const levels: LevelCounts[] = settings.quantiles.map((level) => ({
    level,
    canaryAbove: 0,
    canaryTested: 0,
    baselineAbove: 0,
    baselineTested: 0,
    gridCanaryAbove: new Float64Array(GRID.length),
  }));

  function observeLatency(previous: ArmPair | null, current: ArmPair): void {
    const interval = intervalLatency(previous, current, MIN_THRESHOLD_OBSERVATIONS);
    if (!interval) return;
    const { baseline, canary, before } = interval;
    if (baseline.count === 0 && canary.count === 0) return;
    for (const counts of levels) {
      const x = histogramQuantile(before, counts.level);
      if (x === null || x <= 0) continue;
      counts.baselineAbove += countAbove(baseline, x);
      counts.baselineTested += baseline.count;
      counts.canaryAbove += countAbove(canary, factor * x);
      counts.canaryTested += canary.count;
      for (let i = 0; i < GRID.length; i++) thresholds[i] = GRID[i]! * x;
      countsAboveAscending(canary, thresholds, above);
      for (let i = 0; i < GRID.length; i++) counts.gridCanaryAbove[i]! += above[i]!;
    }
  }

  function verdictFor(counts: LevelCounts): LevelVerdict {
    const e: SplitCounts = { canary: counts.canaryAbove, baseline: counts.baselineAbove };
    const n: SplitCounts = { canary: counts.canaryTested - counts.canaryAbove, baseline: counts.baselineTested - counts.baselineAbove };
    return {
      level: counts.level,
      logRegression: logMixtureAbove(e, rho, prior) + logMixtureBelow(n, rho, prior),
      logWithin: logMixtureBelow(e, rho, prior) + logMixtureAbove(n, rho, prior),
    };
  }

  /** The scale factors the data have not ruled out at the display confidence (null when none survive). */
  function bounds(counts: LevelCounts): { lower: number; upper: number } | null {
    const limit = Math.log(1 / (1 - DISPLAY_CONFIDENCE));
    const rejected = (i: number): boolean => {
      const above = counts.gridCanaryAbove[i]!;
      const e = { canary: above, baseline: counts.baselineAbove };
      const n = { canary: counts.canaryTested - above, baseline: counts.baselineTested - counts.baselineAbove };
      return logMixtureVsPoint(e, rho, prior) + logMixtureVsPoint(n, rho, prior) >= limit;
    };
    // Rejection grows away from the factor at which the canary's slow fraction matches the baseline's: start there.
    const slowFraction = counts.baselineAbove / Math.max(counts.baselineTested, 1);
    const gap = (i: number): number => Math.abs(counts.gridCanaryAbove[i]! / Math.max(counts.canaryTested, 1) - slowFraction);
    let center = 0;
    for (let i = 1; i < GRID.length; i++) if (gap(i) < gap(center)) center = i;
    if (rejected(center)) return null;
    const edge = (outside: number): number => {
      if (!rejected(outside)) return outside;
      let [inside, out] = [center, outside];
      while (Math.abs(out - inside) > 1) {
        const mid = Math.round((inside + out) / 2);
        if (rejected(mid)) out = mid;
        else inside = mid;
      }
      return inside;
    };
    return { lower: GRID[edge(0)]! - 1, upper: GRID[edge(GRID.length - 1)]! - 1 };
  }

  function result(current: ArmPair): MetricResult {
    const base = {
      name: 'latency',
      kind: 'latency' as const,
      critical: settings.critical,
      unit: 'relative' as const,
      confidence: DISPLAY_CONFIDENCE,
      tolerance: settings.tolerance,
      samples: { baseline: current.baseline.latency.count, canary: current.canary.latency.count },
    };
    const threshold = 1 / settings.alpha;
    if (!sameBuckets(current.baseline.latency, current.canary.latency)) {
      return noData(base, threshold, 'baseline and canary latency histograms have different buckets; latency cannot be compared');
    }
    if (current.baseline.latency.count === 0 || current.canary.latency.count === 0) {
      return noData(base, threshold, `no latency observations yet (baseline ${count(base.samples.baseline)}, canary ${count(base.samples.canary)})`);
    }
    const verdicts = levels.map(verdictFor);
    const logE = logMeanExp(verdicts.map((v) => v.logRegression));
    const within = verdicts.every((v) => v.logWithin >= Math.log(1 / settings.promotionAlpha));
    const status = logE >= Math.log(threshold) ? 'fail' : within ? 'pass' : 'inconclusive';
    // Explain the level that failed, else the one nearest the median (people read p50 first).
    const shown =
      status === 'fail'
        ? verdicts.reduce((a, b) => (b.logRegression > a.logRegression ? b : a))
        : verdicts.reduce((a, b) => (Math.abs(b.level - 0.5) < Math.abs(a.level - 0.5) ? b : a));
    const shownCounts = levels.find((l) => l.level === shown.level)!;
    const estimate = quantileChange(current.baseline.latency, current.canary.latency, shown.level);
    const interval = shownCounts.canaryTested > 0 ? bounds(shownCounts) : null;
    const range = interval ? ` (${Math.round(DISPLAY_CONFIDENCE * 100)}% bounds ${boundText(interval.lower, 0)}..${boundText(interval.upper, GRID.length - 1)})` : '';
    const change = estimate === null ? 'no estimate' : `${signedPercent(estimate)} vs baseline${range}`;
    const verdict =
      status === 'fail'
        ? `slower than the ${signedPercent(settings.tolerance)} tolerance`
        : status === 'pass'
          ? `within the ${signedPercent(settings.tolerance)} tolerance`
          : 'not conclusive yet';
    return {
      ...base,
      status,
      statistic: { name: 'e-value (regression)', value: eValue(logE), threshold },
      estimate,
      lower: interval?.lower ?? null,
      upper: interval?.upper ?? null,
      sentence: `canary ${quantileName(shown.level)} latency ${change} after ${count(base.samples.canary)} requests: ${verdict}`,
    };
  }

  return { observe: observeLatency, result };
}

/** A bound as a signed percentage; at the end of the grid it only says "at least" / "at most". */
function boundText(value: number, edge: number): string {
  const atEdge = Math.abs(value - (GRID[edge]! - 1)) < 1e-12;
  return atEdge ? `${edge === 0 ? '≤' : '≥'}${signedPercent(value)}` : signedPercent(value);
}

function quantileChange(baseline: LatencyHistogram, canary: LatencyHistogram, level: number): number | null {
  const b = histogramQuantile(baseline, level);
  const c = histogramQuantile(canary, level);
  return b === null || c === null || b <= 0 ? null : c / b - 1;
}

function noData(base: Omit<MetricResult, 'status' | 'statistic' | 'estimate' | 'lower' | 'upper' | 'sentence'>, threshold: number, why: string): MetricResult {
  return { ...base, status: 'no-data', statistic: { name: 'e-value (regression)', value: 1, threshold }, estimate: null, lower: null, upper: null, sentence: `latency: ${why}` };
}
