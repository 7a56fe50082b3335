import { logBeta, logRegularizedBeta } from './special.js';

/**
 * Beta-mixture test martingales for "which arm did this event land in" (Lindon, Sanden & Shirikian, KDD 2022).
 * With a known traffic split, every event of one kind (an error, a slow request, a predicted class) belongs to the
 * canary with some probability p; under the null p is fixed (or bounded) however the load varies over time. The
 * mixture of likelihood ratios over a Beta prior on p is a nonnegative (super)martingale under the null, so by
 * Ville's inequality P(sup_t M_t ≥ 1/α) ≤ α: the test may be looked at after every snapshot.
 * Counts may be fractional (interpolated histogram counts); the formulas only need Γ.
 */

/** Events of one kind, split by arm. */
export interface SplitCounts {
  canary: number;
  baseline: number;
}

/** Beta(a, b) prior on the canary's share of the events. */
export interface BetaPrior {
  a: number;
  b: number;
}

/** A Beta prior with mean `center` and total pseudo-count `concentration`. */
export function centeredPrior(center: number, concentration: number): BetaPrior {
  return { a: concentration * center, b: concentration * (1 - center) };
}

function logLikelihood(counts: SplitCounts, p: number): number {
  const c = counts.canary > 0 ? counts.canary * Math.log(p) : 0;
  const b = counts.baseline > 0 ? counts.baseline * Math.log1p(-p) : 0;
  return c + b;
}

/** log of the two-sided mixture martingale against the point null p = p0 (conjugate, closed form). */
export function logMixtureVsPoint(counts: SplitCounts, p0: number, prior: BetaPrior): number {
  return logBeta(prior.a + counts.canary, prior.b + counts.baseline) - logBeta(prior.a, prior.b) - logLikelihood(counts, p0);
}

/**
 * log of the one-sided martingale for H0: p ≤ p0, mixing only over p > p0 (prior truncated to (p0, 1]).
 * Each likelihood ratio L(p)/L(p0) with p > p0 is a supermartingale under every p' ≤ p0, hence so is the mixture.
 */
export function logMixtureAbove(counts: SplitCounts, p0: number, prior: BetaPrior): number {
  const a = prior.a + counts.canary;
  const b = prior.b + counts.baseline;
  const posteriorMass = logBeta(a, b) + logRegularizedBeta(1 - p0, b, a);
  const priorMass = logBeta(prior.a, prior.b) + logRegularizedBeta(1 - p0, prior.b, prior.a);
  return posteriorMass - priorMass - logLikelihood(counts, p0);
}

/** log of the one-sided martingale for H0: p ≥ p0, mixing only over p < p0. */
export function logMixtureBelow(counts: SplitCounts, p0: number, prior: BetaPrior): number {
  const a = prior.a + counts.canary;
  const b = prior.b + counts.baseline;
  const posteriorMass = logBeta(a, b) + logRegularizedBeta(p0, a, b);
  const priorMass = logBeta(prior.a, prior.b) + logRegularizedBeta(p0, prior.a, prior.b);
  return posteriorMass - priorMass - logLikelihood(counts, p0);
}

/**
 * Time-uniform confidence sequence for the canary share p: every p0 the two-sided test has not rejected at level α.
 * log M(p0) is convex in p0 with its minimum at the observed share, so the set is an interval found by bisection.
 */
export function shareConfidenceSequence(counts: SplitCounts, alpha: number, prior: BetaPrior): { lower: number; upper: number } {
  const n = counts.canary + counts.baseline;
  // log M(p0) = marginal − logLikelihood(p0); the marginal does not depend on p0.
  const marginal = logBeta(prior.a + counts.canary, prior.b + counts.baseline) - logBeta(prior.a, prior.b);
  const bound = Math.log(1 / alpha);
  const center = n > 0 ? counts.canary / n : prior.a / (prior.a + prior.b);
  const rejected = (p: number): boolean => marginal - logLikelihood(counts, p) >= bound;
  const search = (inside: number, outside: number): number => {
    if (!rejected(outside)) return outside;
    let lo = inside;
    let hi = outside;
    for (let i = 0; i < 40; i++) {
      const mid = (lo + hi) / 2;
      if (rejected(mid)) hi = mid;
      else lo = mid;
    }
    return lo;
  };
  return { lower: search(center, 0), upper: search(center, 1) };
}
