import { centeredPrior, logMixtureAbove, logMixtureBelow } from '../stats/beta-mixture.js';
import { countAbove, histogramQuantile, sameBuckets } from '../histogram.js';
import { count, percent, quantileName, signedPercent } from '../format.js';
import type { MetricResult } from '../types.js';
import { DISPLAY_CONFIDENCE, eValue, intervalLatency, logMeanExp, type ArmPair, type SequentialMetric, type TestSettings } from './shared.js';

/**
 * Tail latency: an exceedance test at a high quantile (default p99), so that a canary whose slowest few percent of
 * requests become much slower is caught even when p50 and p90 do not move.
 *
 * For each interval between looks, x is the baseline's q-quantile from the data before that interval (fixed before the
 * interval's data arrive). An exceedance is a baseline request slower than x or a canary request slower than
 * (1 + tolerance)·x. If the canary's tail is not slower than (1 + tolerance) × the baseline's, an exceedance is a
 * canary one with probability ≤ ρ whatever the load does, so a Beta mixture over shares above ρ is a test
 * supermartingale (the same construction as the error rate's relative test). Only exceedances count: they are the
 * rare events a tail regression multiplies, and the prior is wide because such regressions multiply them by a lot.
 */

/** Pseudo-count of the Beta prior on the canary's share of exceedances: wide, tail regressions are large. */
const PRIOR_CONCENTRATION = 4;
/**
 * Early promotion needs every level shown to have fewer canary exceedances than this many times the baseline's. Tail
 * events are rare (1% and 0.1% of requests): showing them within the tolerance itself would take hundreds of
 * thousands of requests and block early promotion; a doubled tail is what this test must not let through early.
 */
const PROMOTION_EXCEEDANCE_RATIO = 2;
/** The baseline needs this many observations before its tail quantile serves as a threshold. */
const MIN_THRESHOLD_OBSERVATIONS = 100;

/** Creates the sequential tail-latency (exceedance) test. */
export function createTailTest(settings: TestSettings & { quantiles: number[] }): SequentialMetric {
  const rho = settings.canaryShare;
  const prior = centeredPrior(rho, PRIOR_CONCENTRATION);
  const factor = 1 + settings.tolerance;
  const promotionShare = (rho * PROMOTION_EXCEEDANCE_RATIO) / (rho * PROMOTION_EXCEEDANCE_RATIO + 1 - rho);
  const levels = settings.quantiles.map((level) => ({ level, canaryAbove: 0, canary: 0, baselineAbove: 0, baseline: 0 }));

  function observe(previous: ArmPair | null, current: ArmPair): void {
    const interval = intervalLatency(previous, current, MIN_THRESHOLD_OBSERVATIONS);
    if (!interval) return;
    const { baseline, canary, before } = interval;
    for (const tested of levels) {
      const x = histogramQuantile(before, tested.level);
      if (x === null || x <= 0) continue;
      tested.baselineAbove += countAbove(baseline, x);
      tested.baseline += baseline.count;
      tested.canaryAbove += countAbove(canary, factor * x);
      tested.canary += canary.count;
    }
  }

  function result(current: ArmPair): MetricResult {
    const names = levels.map((l) => quantileName(l.level)).join('/');
    const threshold = 1 / settings.alpha;
    const base = {
      name: `tail latency ${names}`,
      kind: 'latency' as const,
      critical: settings.critical,
      unit: 'relative' as const,
      confidence: DISPLAY_CONFIDENCE,
      tolerance: settings.tolerance,
      samples: { baseline: current.baseline.latency.count, canary: current.canary.latency.count },
    };
    const statistic = (logE: number) => ({ name: 'e-value (regression)', value: eValue(logE), threshold });
    if (levels.every((l) => l.baseline === 0 || l.canary === 0)) {
      const why = sameBuckets(current.baseline.latency, current.canary.latency)
        ? `needs ${count(MIN_THRESHOLD_OBSERVATIONS)} baseline requests before its ${names} serve as a threshold`
        : 'baseline and canary latency histograms have different buckets';
      return { ...base, status: 'no-data', statistic: statistic(0), estimate: null, lower: null, upper: null, sentence: `canary ${names} latency: ${why}` };
    }
    const exceedances = levels.map((l) => ({ canary: l.canaryAbove, baseline: l.baselineAbove }));
    const regression = exceedances.map((e) => logMixtureAbove(e, rho, prior));
    const logE = logMeanExp(regression);
    const within = exceedances.every((e) => logMixtureBelow(e, promotionShare, prior) >= Math.log(1 / settings.promotionAlpha));
    const status = logE >= Math.log(threshold) ? 'fail' : within ? 'pass' : 'inconclusive';
    // Explain the level with the most evidence of a regression.
    const tested = levels[regression.indexOf(Math.max(...regression))]!;
    const name = quantileName(tested.level);
    const b = histogramQuantile(current.baseline.latency, tested.level);
    const c = histogramQuantile(current.canary.latency, tested.level);
    const estimate = b !== null && c !== null && b > 0 ? c / b - 1 : null;
    const change = estimate === null ? 'no estimate' : `${signedPercent(estimate)} vs baseline`;
    const shares =
      `${percent(tested.canaryAbove / Math.max(tested.canary, 1))} of canary requests slower than ${signedPercent(settings.tolerance)} over the baseline's ${name}, ` +
      `${percent(tested.baselineAbove / Math.max(tested.baseline, 1))} of baseline requests slower than it`;
    const tolerance = `${signedPercent(settings.tolerance)} tolerance`;
    const verdict = status === 'fail' ? `slower than baseline beyond the ${tolerance}` : status === 'pass' ? `within tolerance (exceedances shown below ${PROMOTION_EXCEEDANCE_RATIO}× the baseline's)` : 'not conclusive yet';
    return {
      ...base,
      status,
      statistic: statistic(logE),
      estimate,
      lower: null,
      upper: null,
      sentence: `canary ${name} latency ${change} (${shares}) after ${count(base.samples.canary)} requests: ${verdict}`,
    };
  }

  return { observe, result };
}
