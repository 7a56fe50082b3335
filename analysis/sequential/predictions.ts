import { logNormalMixtureAbove, logNormalMixtureBelow, normalMixtureInterval, type DifferenceEstimate } from '../stats/normal-mixture.js';
import { count } from '../format.js';
import type { MetricResult } from '../types.js';
import { DISPLAY_CONFIDENCE, eValue, logMeanExp, type ArmPair, type SequentialMetric, type TestSettings } from './shared.js';

/**
 * Predictions: does the canary's predicted-class mix differ from the baseline's by more than the tolerance, in
 * total-variation distance? TV(q_c, q_b) = max over class subsets S of q_c(S) − q_b(S), so TV > δ is "some subset's
 * share rose by more than δ". Each subset's share difference gets a one-sided normal-mixture martingale (mSPRT);
 * their average is the regression martingale. "Within tolerance" needs every subset's mirror test to succeed.
 * With more than MAX_EXACT_CLASSES classes only single classes (and their complements) are checked.
 */

/** Each arm needs this many predictions before the normal approximation behind the test is trusted. */
const MIN_PREDICTIONS = 30;
/**
 * Mixing distribution of the shift beyond the tolerance: centred at 8 points with sd 5 points, so the evidence
 * piles up fastest for the shifts worth catching (a class gaining 10-20 points); larger ones are caught anyway.
 */
const EFFECT_PRIOR = { center: 0.08, sd: 0.05 };
/** Mixing sd of the two-sided normal mixture behind the displayed bounds. */
const MIX_SD = 0.1;
const MAX_EXACT_CLASSES = 6;

const subsetCache = new Map<number, number[][]>();

/** Class subsets to compare: all of them up to MAX_EXACT_CLASSES classes, else singletons and complements. */
function classSubsets(classes: number): number[][] {
  let subsets = subsetCache.get(classes);
  if (!subsets) subsetCache.set(classes, (subsets = enumerateSubsets(classes)));
  return subsets;
}

function enumerateSubsets(classes: number): number[][] {
  if (classes < 2) return [];
  if (classes <= MAX_EXACT_CLASSES) {
    const subsets: number[][] = [];
    for (let mask = 1; mask < (1 << classes) - 1; mask++) subsets.push([...Array(classes).keys()].filter((k) => mask & (1 << k)));
    return subsets;
  }
  const all = [...Array(classes).keys()];
  return all.flatMap((k) => [[k], all.filter((j) => j !== k)]);
}

/** Creates the sequential prediction-mix test. */
export function createPredictionsTest(settings: TestSettings): SequentialMetric {
  const threshold = 1 / settings.alpha;

  function result(current: ArmPair): MetricResult {
    const labels = [...new Set([...Object.keys(current.baseline.predictions), ...Object.keys(current.canary.predictions)])].sort();
    const c = labels.map((l) => current.canary.predictions[l] ?? 0);
    const b = labels.map((l) => current.baseline.predictions[l] ?? 0);
    const nc = c.reduce((s, v) => s + v, 0);
    const nb = b.reduce((s, v) => s + v, 0);
    const base = {
      name: 'predictions',
      kind: 'predictions' as const,
      critical: settings.critical,
      unit: 'tv' as const,
      confidence: DISPLAY_CONFIDENCE,
      tolerance: settings.tolerance,
      samples: { baseline: nb, canary: nc },
    };
    if (nc < MIN_PREDICTIONS || nb < MIN_PREDICTIONS) {
      return {
        ...base,
        status: 'no-data',
        statistic: { name: 'e-value (regression)', value: 1, threshold },
        estimate: null,
        lower: null,
        upper: null,
        sentence: `predictions: too few predicted rows to compare the class mix (baseline ${count(nb)}, canary ${count(nc)}; need ${MIN_PREDICTIONS} each)`,
      };
    }
    const shifts = labels.map((_, k) => c[k]! / nc - b[k]! / nb);
    const tv = 0.5 * shifts.reduce((s, d) => s + Math.abs(d), 0);
    const subsets = classSubsets(labels.length);
    const differences: DifferenceEstimate[] = subsets.map((subset) => {
      const cs = subset.reduce((s, k) => s + c[k]!, 0);
      const bs = subset.reduce((s, k) => s + b[k]!, 0);
      const pooled = (cs + bs + 1) / (nc + nb + 2);
      return { estimate: cs / nc - bs / nb, variance: pooled * (1 - pooled) * (1 / nc + 1 / nb) };
    });
    const delta = settings.tolerance;
    const logE = differences.length > 0 ? logMeanExp(differences.map((d) => logNormalMixtureAbove(d, delta, EFFECT_PRIOR))) : 0;
    const within = differences.length > 0 && differences.every((d) => logNormalMixtureBelow(d, delta, EFFECT_PRIOR) >= Math.log(1 / settings.promotionAlpha));
    const status = logE >= Math.log(threshold) ? 'fail' : within ? 'pass' : 'inconclusive';
    const intervals = differences.map((d) => normalMixtureInterval(d, (1 - DISPLAY_CONFIDENCE) / Math.max(differences.length, 1), MIX_SD));
    const exact = labels.length <= MAX_EXACT_CLASSES;
    const lower = intervals.length > 0 ? Math.max(0, ...intervals.map((i) => i.lower)) : null;
    const upper =
      intervals.length === 0
        ? null
        : Math.min(1, exact ? Math.max(...intervals.map((i) => i.upper)) : 0.5 * intervals.filter((_, i) => i % 2 === 0).reduce((s, i) => s + Math.max(Math.abs(i.lower), Math.abs(i.upper)), 0));
    const biggest = labels
      .map((label, k) => ({ label, shift: shifts[k]! }))
      .sort((x, y) => Math.abs(y.shift) - Math.abs(x.shift))
      .slice(0, 2)
      .filter((s) => Math.abs(s.shift) >= 0.0005)
      .map((s) => `${s.label} ${s.shift < 0 ? '−' : '+'}${Math.abs(s.shift * 100).toFixed(1)} pts`);
    const range = lower !== null && upper !== null ? `${Math.round(DISPLAY_CONFIDENCE * 100)}% bounds ${lower.toFixed(2)}..${upper.toFixed(2)}` : '';
    const detail = [range, ...biggest].filter(Boolean).join('; ');
    const verdict = status === 'fail' ? `beyond the ${delta} tolerance` : status === 'pass' ? `within the ${delta} tolerance` : 'not conclusive yet';
    return {
      ...base,
      status,
      statistic: { name: 'e-value (regression)', value: eValue(logE), threshold },
      estimate: tv,
      lower,
      upper,
      sentence: `canary class mix differs from baseline by TV ${tv.toFixed(3)}${detail ? ` (${detail})` : ''} after ${count(nc)} predictions: ${verdict}`,
    };
  }

  return { observe: () => undefined, result };
}
