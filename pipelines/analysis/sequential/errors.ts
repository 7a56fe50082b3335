import { centeredPrior, logMixtureAbove, logMixtureBelow, shareConfidenceSequence } from '../stats/beta-mixture.js';
import { count, percent, signedPercent, times } from '../format.js';
import type { MetricResult } from '../types.js';
import { DISPLAY_CONFIDENCE, eValue, type ArmPair, type SequentialMetric, type TestSettings } from './shared.js';

/**
 * Errors: is the canary's error rate above (1 + tolerance) × the baseline's?
 *
 * With traffic split ρ, an error is a canary error with probability p = ρr / (ρr + 1 − ρ), where r is the ratio of
 * error rates; this holds however the load and the baseline's own error rate vary. "r ≤ 1 + tolerance" is
 * "p ≤ p₀", tested with a Beta mixture over p > p₀; "within tolerance" is the mirror test over p < p₀. The bounds
 * on r come from the time-uniform confidence sequence for p.
 */

/** Near-uniform prior: error regressions are usually large (a broken canary), so no region of p is favoured. */
const PRIOR_CONCENTRATION = 1;

/** The ratio of error rates implied by a canary share p of the errors under traffic split rho. */
function ratioFromShare(p: number, rho: number): number {
  return p >= 1 ? Infinity : (p * (1 - rho)) / ((1 - p) * rho);
}

/** Creates the sequential error-rate test. */
export function createErrorsTest(settings: TestSettings): SequentialMetric {
  const rho = settings.canaryShare;
  const limit = 1 + settings.tolerance;
  const p0 = (rho * limit) / (rho * limit + 1 - rho);
  const prior = centeredPrior(p0, PRIOR_CONCENTRATION);
  const threshold = 1 / settings.alpha;

  function result(current: ArmPair): MetricResult {
    const { baseline, canary } = current;
    const errors = { canary: canary.errors, baseline: baseline.errors };
    const logE = logMixtureAbove(errors, p0, prior);
    const logWithin = logMixtureBelow(errors, p0, prior);
    const status = logE >= Math.log(threshold) ? 'fail' : logWithin >= Math.log(1 / settings.promotionAlpha) ? 'pass' : 'inconclusive';
    const canaryRate = canary.requests > 0 ? canary.errors / canary.requests : 0;
    const baselineRate = baseline.requests > 0 ? baseline.errors / baseline.requests : 0;
    // The displayed ratio uses the split actually observed; the test uses the planned one.
    const observedShare = canary.requests + baseline.requests > 0 ? canary.requests / (canary.requests + baseline.requests) : rho;
    const cs = shareConfidenceSequence(errors, 1 - DISPLAY_CONFIDENCE, centeredPrior(rho, PRIOR_CONCENTRATION));
    const anyErrors = canary.errors + baseline.errors > 0;
    const estimate = anyErrors ? (baselineRate > 0 ? canaryRate / baselineRate : Infinity) : null;
    const lower = anyErrors ? ratioFromShare(cs.lower, observedShare) : null;
    const upper = anyErrors ? ratioFromShare(cs.upper, observedShare) : null;
    const ratioText =
      estimate === null
        ? 'no errors in either arm'
        : `${times(estimate)}, ${Math.round(DISPLAY_CONFIDENCE * 100)}% bounds ${times(lower!)}..${times(upper!)}`;
    const verdict =
      status === 'fail'
        ? `above the ${signedPercent(settings.tolerance)} tolerance`
        : status === 'pass'
          ? `within the ${signedPercent(settings.tolerance)} tolerance`
          : 'not conclusive yet';
    return {
      name: 'errors',
      kind: 'errors',
      status,
      critical: settings.critical,
      statistic: { name: 'e-value (regression)', value: eValue(logE), threshold },
      // JSON has no Infinity: an unbounded ratio (no baseline errors) is reported as null, the sentence says ×∞.
      estimate: finiteOrNull(estimate),
      lower: finiteOrNull(lower),
      upper: finiteOrNull(upper),
      unit: 'ratio',
      confidence: DISPLAY_CONFIDENCE,
      tolerance: settings.tolerance,
      samples: { baseline: baseline.requests, canary: canary.requests },
      sentence:
        `canary error rate ${percent(canaryRate)} vs baseline ${percent(baselineRate)} (${ratioText}) ` +
        `after ${count(canary.requests)} requests: ${verdict}`,
    };
  }

  return { observe: () => undefined, result };
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}
