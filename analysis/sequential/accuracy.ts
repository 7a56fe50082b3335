import { logNormalMixtureAbove, logNormalMixtureBelow, normalMixtureInterval, type DifferenceEstimate } from '../stats/normal-mixture.js';
import { count, percent } from '../format.js';
import type { ArmSnapshot, MetricResult } from '../types.js';
import { DISPLAY_CONFIDENCE, eValue, type ArmPair, type SequentialMetric, type TestSettings } from './shared.js';

/**
 * Accuracy: is the canary's live accuracy (labelled feedback, correct / labelled) lower than the baseline's by more
 * than the tolerance (absolute points)? The drop d = acc_b − acc_c gets a one-sided normal-mixture martingale (mSPRT)
 * for H0: d ≤ tolerance, as the class-mix test does for its share differences. It does not rely on the traffic split:
 * clients label some predictions and not others, at rates the judge does not know, so only the labelled rows of each
 * arm are compared. Without labels the metric reports `no-data`, which the judge ignores (docs/canary-analysis.md).
 */

/** Each arm needs this many labelled predictions before the normal approximation behind the test is trusted. */
export const MIN_LABELS = 30;
/** Mixing distribution of the drop beyond the tolerance: a few points (a model that got worse, not a broken one). */
const EFFECT_PRIOR = { center: 0.05, sd: 0.05 };
/** Mixing sd of the two-sided normal mixture behind the displayed bounds. */
const MIX_SD = 0.1;

/** Labelled predictions of one arm and its accuracy. */
function labelled(arm: ArmSnapshot): { n: number; correct: number } {
  const correct = arm.feedback?.correct ?? 0;
  return { n: correct + (arm.feedback?.incorrect ?? 0), correct };
}

/** The variance of an arm's accuracy, smoothed (+1 / +2) so 100% or 0% observed accuracy is not taken as certain. */
function accuracyVariance(correct: number, n: number): number {
  const p = (correct + 1) / (n + 2);
  return (p * (1 - p)) / n;
}

/** "−23 pts", "+1.5 pts", "0 pts". */
function points(x: number): string {
  const p = x * 100;
  const text = Math.abs(p).toFixed(Math.abs(p) < 10 ? 1 : 0).replace(/\.0$/, '');
  return text === '0' ? '0 pts' : `${p < 0 ? '−' : '+'}${text} pts`;
}

/** Whether a metric result is the accuracy test waiting for labels: it then takes no part in the decision. */
export function waitingForLabels(metric: MetricResult): boolean {
  return metric.kind === 'accuracy' && metric.status === 'no-data';
}

/** Creates the sequential accuracy test (tolerance: the largest acceptable drop, in absolute accuracy). */
export function createAccuracyTest(settings: TestSettings): SequentialMetric {
  const threshold = 1 / settings.alpha;
  const tolerance = settings.tolerance;

  function result(current: ArmPair): MetricResult {
    const b = labelled(current.baseline);
    const c = labelled(current.canary);
    const base = {
      name: 'accuracy',
      kind: 'accuracy' as const,
      critical: settings.critical,
      unit: 'difference' as const,
      confidence: DISPLAY_CONFIDENCE,
      tolerance,
      samples: { baseline: b.n, canary: c.n },
    };
    if (b.n < MIN_LABELS || c.n < MIN_LABELS) {
      const sentence =
        b.n + c.n === 0
          ? 'accuracy: no labels (no labelled feedback in either arm); it takes part once both arms have some'
          : `accuracy: too few labels to compare (baseline ${count(b.n)}, canary ${count(c.n)}; need ${MIN_LABELS} each)`;
      return { ...base, status: 'no-data', statistic: { name: 'e-value (regression)', value: 1, threshold }, estimate: null, lower: null, upper: null, sentence };
    }
    const accuracy = { baseline: b.correct / b.n, canary: c.correct / c.n };
    const drop: DifferenceEstimate = { estimate: accuracy.baseline - accuracy.canary, variance: accuracyVariance(b.correct, b.n) + accuracyVariance(c.correct, c.n) };
    const logE = logNormalMixtureAbove(drop, tolerance, EFFECT_PRIOR);
    const within = logNormalMixtureBelow(drop, tolerance, EFFECT_PRIOR) >= Math.log(1 / settings.promotionAlpha);
    const status = logE >= Math.log(threshold) ? 'fail' : within ? 'pass' : 'inconclusive';
    // Reported as canary − baseline, so a drop reads negative.
    const interval = normalMixtureInterval({ estimate: -drop.estimate, variance: drop.variance }, 1 - DISPLAY_CONFIDENCE, MIX_SD);
    const lower = Math.max(-1, interval.lower);
    const upper = Math.min(1, interval.upper);
    const limit = `${points(tolerance).replace('+', '')} tolerance`;
    const verdict = status === 'fail' ? `below baseline beyond the ${limit}` : status === 'pass' ? `within the ${limit}` : 'not conclusive yet';
    const bounds = `${Math.round(DISPLAY_CONFIDENCE * 100)}% bounds ${points(lower).replace(' pts', '')}..${points(upper)}`;
    return {
      ...base,
      status,
      statistic: { name: 'e-value (regression)', value: eValue(logE), threshold },
      estimate: -drop.estimate,
      lower,
      upper,
      sentence:
        `canary accuracy ${percent(accuracy.canary)} vs baseline ${percent(accuracy.baseline)} (${points(-drop.estimate)}, ${bounds}) ` +
        `after ${count(c.n)} labelled canary predictions: ${verdict}`,
    };
  }

  return { observe: () => undefined, result };
}
