import { centeredPrior, logMixtureAbove, logMixtureBelow } from '../stats/beta-mixture.js';
import { count } from '../format.js';
import type { JudgeEngine } from '../engine.js';
import type { JudgePolicy } from '../policy.js';
import { createAccuracyTest, waitingForLabels } from './accuracy.js';
import { createErrorsTest } from './errors.js';
import { createLatencyTest } from './latency.js';
import { createPredictionsTest } from './predictions.js';
import { createTailTest } from './tail.js';
import type { ArmPair, SequentialMetric } from './shared.js';

/** How far the observed split may drift from the planned one before the known-split tests are not trusted. */
const SPLIT_TOLERANCE = 0.05;
const SPLIT_ALPHA = 0.001;

/**
 * The default judge: anytime-valid tests per metric, α split evenly across the enabled metrics (Bonferroni), so the
 * chance of any false rollback stays ≤ α however often it looks. Rollback as soon as a critical metric (or two
 * non-critical ones) shows a regression beyond tolerance; promote early once every metric is shown to be within
 * tolerance; at the end of the window, promote if nothing regressed and every critical metric had data. The accuracy
 * test, while it waits for labels, takes no part (it neither blocks a promotion nor counts as a critical metric without data).
 */
export function createSequentialEngine(policy: JudgePolicy): JudgeEngine {
  const enabled = (['latency', 'errors', 'predictions', 'accuracy'] as const).filter((name) => policy.metrics[name].enabled);
  const { latency } = policy.metrics;
  const tail = latency.enabled && latency.tail.enabled;
  const alpha = policy.alpha / (enabled.length + (tail ? 1 : 0));
  const common = { alpha, promotionAlpha: policy.promotionAlpha, canaryShare: policy.canaryShare };
  const tests: SequentialMetric[] = enabled.map((name) => {
    const m = policy.metrics[name];
    const settings = { ...common, tolerance: m.tolerance, critical: m.critical };
    if (name === 'latency') return createLatencyTest({ ...settings, quantiles: policy.metrics.latency.quantiles });
    if (name === 'errors') return createErrorsTest({ ...settings, negligibleRate: policy.metrics.errors.negligibleRate });
    if (name === 'accuracy') return createAccuracyTest(settings);
    return createPredictionsTest(settings);
  });
  // After the body test, so a latency rollback explains the body first; it shares the latency metric's criticality.
  if (tail) tests.splice(1, 0, createTailTest({ ...common, tolerance: latency.tail.tolerance, critical: latency.critical, quantiles: latency.tail.quantiles }));

  return {
    observe: (previous, current) => tests.forEach((t) => t.observe(previous, current)),
    metrics: (current) => tests.map((t) => t.result(current)),
    decide(reported, current, final) {
      // Reasons still list the accuracy test's "no labels"; the decision rules below do not see it.
      const metrics = reported.filter((m) => !waitingForLabels(m));
      const failing = metrics.filter((m) => m.status === 'fail');
      // A clear split mismatch breaks the tests' premise: it is reported first (it is the likely cause of a
      // failure), may not promote, and still lets a failure roll back (the safe direction).
      const mismatch = splitMismatch(current, policy.canaryShare);
      if (failing.some((m) => m.critical) || failing.length >= 2) {
        return { decision: 'rollback', reasons: [...(mismatch ? [mismatch] : []), ...failing.map((m) => m.sentence)] };
      }
      const sentences = reported.map((m) => m.sentence);
      if (!mismatch && metrics.every((m) => m.status === 'pass')) {
        return { decision: 'promote', reasons: ['every metric is within tolerance', ...sentences] };
      }
      if (final) {
        const missing = metrics.filter((m) => m.critical && m.status === 'no-data');
        if (mismatch || missing.length > 0) {
          const why = mismatch ?? `no data for critical metric${missing.length > 1 ? 's' : ''} ${missing.map((m) => m.name).join(', ')}`;
          return { decision: policy.noDataDecision, reasons: [`end of analysis without a usable comparison: ${why}`, ...sentences] };
        }
        return {
          decision: 'promote',
          reasons: [`no regression found by the end of the analysis (${count(current.canary.requests)} canary requests)`, ...sentences],
        };
      }
      const warnings = failing.map((m) => `non-critical ${m.name} regressed (needs a second failing metric to roll back)`);
      return { decision: 'continue', reasons: [...(mismatch ? [mismatch] : []), ...warnings, ...sentences] };
    },
  };
}

/** A message when the canary's share of requests is clearly off the planned split, else null. */
function splitMismatch(current: ArmPair, canaryShare: number): string | null {
  const counts = { canary: current.canary.requests, baseline: current.baseline.requests };
  const prior = centeredPrior(canaryShare, 20);
  const high = Math.min(canaryShare + SPLIT_TOLERANCE, 0.999);
  const low = Math.max(canaryShare - SPLIT_TOLERANCE, 0.001);
  const limit = Math.log(2 / SPLIT_ALPHA);
  if (logMixtureAbove(counts, high, prior) < limit && logMixtureBelow(counts, low, prior) < limit) return null;
  const share = counts.canary / (counts.canary + counts.baseline);
  return (
    `traffic split mismatch: the canary got ${(share * 100).toFixed(1)}% of baseline + canary requests, ` +
    `planned ${(canaryShare * 100).toFixed(0)}%; the comparison relies on the planned split, so it cannot promote`
  );
}
