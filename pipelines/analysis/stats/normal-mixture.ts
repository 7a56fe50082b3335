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

/**
 * log of the one-sided martingale for H0: d ≤ d0, mixing over d − d0 ~ half-normal(0, mixSd²).
 * Closed form: 2·sqrt(V/(V+τ²))·exp(x²τ²/(2V(V+τ²)))·Φ(xτ/sqrt(V(V+τ²))) with x = d̂ − d0.
 */
export function logNormalMixtureAbove(d: DifferenceEstimate, d0: number, mixSd: number): number {
  const v = Math.max(d.variance, 1e-12);
  const t2 = mixSd * mixSd;
  const x = d.estimate - d0;
  return Math.log(2) + 0.5 * Math.log(v / (v + t2)) + (x * x * t2) / (2 * v * (v + t2)) + logNormalCdf((x * mixSd) / Math.sqrt(v * (v + t2)));
}

/** log of the one-sided martingale for H0: d ≥ d0 (mixing over d < d0). */
export function logNormalMixtureBelow(d: DifferenceEstimate, d0: number, mixSd: number): number {
  return logNormalMixtureAbove({ estimate: -d.estimate, variance: d.variance }, -d0, mixSd);
}

/** Two-sided time-uniform confidence sequence for d: d̂ ± sqrt((V+τ²)/τ² · V · (2 log(1/α) + log((V+τ²)/V))). */
export function normalMixtureInterval(d: DifferenceEstimate, alpha: number, mixSd: number): { lower: number; upper: number } {
  const v = Math.max(d.variance, 1e-12);
  const t2 = mixSd * mixSd;
  const radius = Math.sqrt(((v + t2) / t2) * v * (2 * Math.log(1 / alpha) + Math.log((v + t2) / v)));
  return { lower: d.estimate - radius, upper: d.estimate + radius };
}
