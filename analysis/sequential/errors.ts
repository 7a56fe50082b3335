import { centeredPrior, logMixtureAbove, logMixtureBelow, shareConfidenceSequence } from '../stats/beta-mixture.js';
import { count, percent, signedPercent, times } from '../format.js';
import type { MetricResult } from '../types.js';
import { DISPLAY_CONFIDENCE, eValue, type ArmPair, type SequentialMetric, type TestSettings } from './shared.js';

/**
 * Errors: a regression is a canary error rate above (1 + tolerance) × the baseline's AND above the negligible rate.
 *
 * Relative part: with traffic split ρ, an error is a canary error with probability p = ρr / (ρr + 1 − ρ), where r
 * is the ratio of error rates, however the load and the baseline's own error rate vary; "r ≤ 1 + tolerance" is
 * "p ≤ p₀", tested with a Beta mixture over p > p₀. Absolute part: each canary request errs with probability
 * e_c; "e_c ≤ negligibleRate" is tested with a Beta mixture over e_c above it. A rollback needs both (an
 * intersection of level-α tests is a level-α test); "within tolerance" needs either mirror test, so a canary with
 * no errors at all passes once it has shown its error rate is below the negligible rate.
 */

/** Near-uniform prior on the share: error regressions are usually large (a broken canary). */
const SHARE_CONCENTRATION = 1;
/** Prior on the canary's own error rate: Beta(1, 49), mean 2%, a typical bad canary. */
const RATE_PRIOR = { a: 1, b: 49 };

/** The ratio of error rates implied by a canary share p of the errors under traffic split rho. */
function ratioFromShare(p: number, rho: number): number {
  return p >= 1 ? Infinity : (p * (1 - rho)) / ((1 - p) * rho);
}

/** Creates the sequential error-rate test. */
export function createErrorsTest(settings: TestSettings & { negligibleRate: number }): SequentialMetric {
  const rho = settings.canaryShare;
  const limit = 1 + settings.tolerance;
  const p0 = (rho * limit) / (rho * limit + 1 - rho);
  const prior = centeredPrior(p0, SHARE_CONCENTRATION);
  const threshold = 1 / settings.alpha;
  const floor = settings.negligibleRate;

  function result(current: ArmPair): MetricResult {
    const { baseline, canary } = current;
    const errors = { canary: canary.errors, baseline: baseline.errors };
    const canaryRequests = { canary: canary.errors, baseline: canary.requests - canary.errors };
    const logE = Math.min(logMixtureAbove(errors, p0, prior), logMixtureAbove(canaryRequests, floor, RATE_PRIOR));
    const passLimit = Math.log(1 / settings.promotionAlpha);
    const within = logMixtureBelow(errors, p0, prior) >= passLimit || logMixtureBelow(canaryRequests, floor, RATE_PRIOR) >= passLimit;
    const status = logE >= Math.log(threshold) ? 'fail' : within ? 'pass' : 'inconclusive';
    const canaryRate = canary.requests > 0 ? canary.errors / canary.requests : 0;
    const baselineRate = baseline.requests > 0 ? baseline.errors / baseline.requests : 0;
    // The displayed ratio uses the split actually observed; the test uses the planned one.
    const observedShare = canary.requests + baseline.requests > 0 ? canary.requests / (canary.requests + baseline.requests) : rho;
    const cs = shareConfidenceSequence(errors, 1 - DISPLAY_CONFIDENCE, centeredPrior(rho, SHARE_CONCENTRATION));
    const anyErrors = canary.errors + baseline.errors > 0;
    const estimate = anyErrors ? (baselineRate > 0 ? canaryRate / baselineRate : Infinity) : null;
    const lower = anyErrors ? ratioFromShare(cs.lower, observedShare) : null;
    const upper = anyErrors ? ratioFromShare(cs.upper, observedShare) : null;
    const ratioText =
      estimate === null ? 'no errors in either arm' : `${times(estimate)}, ${Math.round(DISPLAY_CONFIDENCE * 100)}% bounds ${times(lower!)}..${times(upper!)}`;
    const tolerance = `${signedPercent(settings.tolerance)} tolerance (or ${percent(floor)})`;
    const verdict = status === 'fail' ? `above the ${tolerance}` : status === 'pass' ? `within the ${tolerance}` : 'not conclusive yet';
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
        `canary error rate ${percent(canaryRate)} vs baseline ${percent(baselineRate)} (${ratioText}) ` + `after ${count(canary.requests)} requests: ${verdict}`,
    };
  }

  return { observe: () => undefined, result };
}

function finiteOrNull(x: number | null): number | null {
  return x !== null && Number.isFinite(x) ? x : null;
}
