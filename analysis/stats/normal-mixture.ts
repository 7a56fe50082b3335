import { logNormalCdf } from './special.js';

/**
 * Normal-mixture (mSPRT) martingales for a difference of two proportions, the always-valid test of Johari, Pekelis
 * & Walsh (2017) and Robbins' normal mixture (Howard et al., 2021). The estimate d̂ with variance V is treated as
 * Gaussian, so validity is asymptotic (Waudby-Smith et al., "Time-uniform central limit theory", 2024): it holds
 * once each arm has a few dozen observations, which the judge's minimum exposure ensures.
 */

/** A difference estimate and its variance. */
export interface DifferenceEstimate {
  estimate: number;
  variance: number;
}

/** Mixing distribution of the effect beyond the null boundary: normal(center, sd²) truncated to positive values. */
export interface EffectPrior {
  center: number;
  sd: number;
}

/**
 * log of the one-sided martingale for H0: d ≤ d0: the likelihood ratio of d0 + u against d0, mixed over u > 0.
 * With A = 1/V + 1/τ², B = x/V + μ/τ² (x = d̂ − d0) the integral is closed-form:
 *   M = exp(B²/(2A) − μ²/(2τ²)) · Φ(B/√A) / (τ·√A·Φ(μ/τ)).
 * Each ratio with u > 0 is a supermartingale for every d ≤ d0, hence so is the mixture.
 */
export function logNormalMixtureAbove(d: DifferenceEstimate, d0: number, prior: EffectPrior): number {
  const v = Math.max(d.variance, 1e-12);
  const { center: mu, sd: tau } = prior;
  const t2 = tau * tau;
  const a = 1 / v + 1 / t2;
  const b = (d.estimate - d0) / v + mu / t2;
  return (b * b) / (2 * a) - (mu * mu) / (2 * t2) + logNormalCdf(b / Math.sqrt(a)) - Math.log(tau * Math.sqrt(a)) - logNormalCdf(mu / tau);
}

/** log of the one-sided martingale for H0: d ≥ d0 (mixing over d < d0). */
export function logNormalMixtureBelow(d: DifferenceEstimate, d0: number, prior: EffectPrior): number {
  return logNormalMixtureAbove({ estimate: -d.estimate, variance: d.variance }, -d0, prior);
}

/** Two-sided time-uniform confidence sequence for d: d̂ ± sqrt((V+τ²)/τ² · V · (2 log(1/α) + log((V+τ²)/V))). */
export function normalMixtureInterval(d: DifferenceEstimate, alpha: number, mixSd: number): { lower: number; upper: number } {
  const v = Math.max(d.variance, 1e-12);
  const t2 = mixSd * mixSd;
  const radius = Math.sqrt(((v + t2) / t2) * v * (2 * Math.log(1 / alpha) + Math.log((v + t2) / v)));
  return { lower: d.estimate - radius, upper: d.estimate + radius };
}
