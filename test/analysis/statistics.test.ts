import { describe, expect, it } from 'vitest';
import { centeredPrior, logMixtureAbove, logMixtureBelow, logMixtureVsPoint, shareConfidenceSequence } from '../../analysis/stats/beta-mixture.js';
import { createShiftTracker, mannWhitneyShift } from '../../analysis/stats/mann-whitney.js';
import { logNormalMixtureAbove, normalMixtureInterval } from '../../analysis/stats/normal-mixture.js';
import { createTailTest } from '../../analysis/sequential/tail.js';
import type { ArmSnapshot } from '../../analysis/types.js';
import { logBeta, logGamma, logRegularizedBeta, normalCdf, normalQuantile } from '../../analysis/stats/special.js';

/** log C(n, k) by summing logs: independent of the Γ implementation under test. */
function logChoose(n: number, k: number): number {
  let sum = 0;
  for (let i = 1; i <= k; i++) sum += Math.log(n - k + i) - Math.log(i);
  return sum;
}

/** For integers a, b: I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a), summed exactly. */
function binomialTail(x: number, a: number, b: number): number {
  const n = a + b - 1;
  let total = 0;
  for (let j = a; j <= n; j++) total += Math.exp(logChoose(n, j) + j * Math.log(x) + (n - j) * Math.log1p(-x));
  return total;
}

/** Midpoint-rule integral of f over [lo, hi]. */
function integrate(f: (x: number) => number, lo: number, hi: number, steps = 200_000): number {
  const h = (hi - lo) / steps;
  let sum = 0;
  for (let i = 0; i < steps; i++) sum += f(lo + (i + 0.5) * h);
  return sum * h;
}

describe('special functions', () => {
  it('log Γ matches factorials and Γ(1/2) = √π, on both sides of the Stirling switch at 10', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 11);
    expect(logGamma(21)).toBeCloseTo(logChoose(20, 0) + Array.from({ length: 20 }, (_, i) => Math.log(i + 1)).reduce((a, b) => a + b), 9);
    expect(logBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
  });

  it('the regularized incomplete beta matches binomial tails, small and large', () => {
    expect(Math.exp(logRegularizedBeta(0.5, 2, 3))).toBeCloseTo(11 / 16, 12);
    expect(Math.exp(logRegularizedBeta(0.3, 5, 10))).toBeCloseTo(binomialTail(0.3, 5, 10), 12);
    expect(logRegularizedBeta(0.48, 500, 520)).toBeCloseTo(Math.log(binomialTail(0.48, 500, 520)), 8);
    // Far in the tail the value is tiny but its log stays accurate.
    expect(logRegularizedBeta(0.3, 400, 600)).toBeCloseTo(Math.log(binomialTail(0.3, 400, 600)), 6);
  });

  it('normal quantile and CDF agree with the tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980, 8);
  });
});

describe('Beta-mixture martingales (event shares)', () => {
  const prior = centeredPrior(0.5, 4);
  const density = (p: number): number => Math.exp((prior.a - 1) * Math.log(p) + (prior.b - 1) * Math.log1p(-p) - logBeta(prior.a, prior.b));
  const likelihoodRatio = (c: number, b: number, p: number, p0: number): number => Math.exp(c * Math.log(p / p0) + b * Math.log((1 - p) / (1 - p0)));

  it('the two-sided mixture equals the integral of the likelihood ratio over the prior', () => {
    const exact = integrate((p) => density(p) * likelihoodRatio(14, 6, p, 0.5), 0, 1);
    expect(logMixtureVsPoint({ canary: 14, baseline: 6 }, 0.5, prior)).toBeCloseTo(Math.log(exact), 6);
  });

  it('the one-sided mixtures integrate over one side of p0 only, with the prior renormalised there', () => {
    const p0 = 0.55;
    const mass = integrate(density, p0, 1);
    const above = integrate((p) => density(p) * likelihoodRatio(30, 12, p, p0), p0, 1) / mass;
    expect(logMixtureAbove({ canary: 30, baseline: 12 }, p0, prior)).toBeCloseTo(Math.log(above), 6);
    const below = integrate((p) => density(p) * likelihoodRatio(8, 20, p, p0), 0, p0) / integrate(density, 0, p0);
    expect(logMixtureBelow({ canary: 8, baseline: 20 }, p0, prior)).toBeCloseTo(Math.log(below), 6);
  });

  it('no events means no evidence; evidence against the null grows with a lopsided split', () => {
    expect(logMixtureAbove({ canary: 0, baseline: 0 }, 0.5, prior)).toBeCloseTo(0, 12);
    const small = logMixtureAbove({ canary: 10, baseline: 2 }, 0.5, prior);
    const large = logMixtureAbove({ canary: 100, baseline: 20 }, 0.5, prior);
    expect(large).toBeGreaterThan(small);
    expect(logMixtureAbove({ canary: 20, baseline: 100 }, 0.5, prior)).toBeLessThan(0);
  });

  it('the confidence sequence is the set of shares the two-sided test does not reject', () => {
    const counts = { canary: 60, baseline: 40 };
    const { lower, upper } = shareConfidenceSequence(counts, 0.05, prior);
    expect(lower).toBeLessThan(0.6);
    expect(upper).toBeGreaterThan(0.6);
    expect(logMixtureVsPoint(counts, lower, prior)).toBeCloseTo(Math.log(20), 6);
    expect(logMixtureVsPoint(counts, upper, prior)).toBeCloseTo(Math.log(20), 6);
  });
});

describe('tail-latency exceedance test', () => {
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
  /** An arm after `n` requests with cumulative bucket shares `shape`. */
  const arm = (n: number, shape: number[]): ArmSnapshot => ({
    requests: n,
    errors: 0,
    latency: { buckets, counts: shape.map((s) => Math.round(s * n)), count: n },
    predictions: {},
  });
  const body = [0.1, 0.5, 0.8, 0.95, 0.985, 0.995, 1];
  /** The same body, with 3% of requests moved from the fast buckets to 50–100 ms (the median stays in 1–2.5 ms). */
  const slowTail = [0.07, 0.47, 0.77, 0.92, 0.955, 0.965, 1];
  const settings = { alpha: 0.0125, promotionAlpha: 0.05, canaryShare: 0.5, tolerance: 0.1, critical: true, quantiles: [0.99, 0.999] };
  const judgeLooks = (canaryShape: number[], looks: number) => {
    const test = createTailTest(settings);
    let previous: { baseline: ArmSnapshot; canary: ArmSnapshot } | null = null;
    let current = previous!;
    for (let i = 1; i <= looks; i++) {
      current = { baseline: arm(200 * i, body), canary: arm(200 * i, canaryShape) };
      test.observe(previous, current);
      previous = current;
    }
    return test.result(current);
  };

  it('fails when only the canary tail is slower, and names the tail quantile', () => {
    const result = judgeLooks(slowTail, 20);
    expect(result.status).toBe('fail');
    expect(result.statistic.value).toBeGreaterThanOrEqual(result.statistic.threshold);
    expect(result.sentence).toMatch(/^canary p99(\.9)? latency \+\d+% vs baseline \(.*\) after 4,000 requests: slower than baseline beyond the \+10% tolerance$/);
  });

  it('stays quiet on identical arms and on a faster tail, and needs 100 baseline requests before it tests', () => {
    expect(judgeLooks(body, 20).status).not.toBe('fail');
    expect(judgeLooks(body, 20).statistic.value).toBeLessThan(1.01);
    expect(judgeLooks([0.1, 0.5, 0.8, 0.97, 0.995, 1, 1], 20).status).not.toBe('fail');
    expect(judgeLooks(slowTail, 1).status).toBe('no-data');
  });
});

describe('normal-mixture martingale (differences of proportions)', () => {
  it('matches numerical integration of the Gaussian likelihood ratio over the truncated normal prior', () => {
    const d = { estimate: 0.13, variance: 0.001 };
    const prior = { center: 0.08, sd: 0.05 };
    const weight = (u: number): number => Math.exp(-((u - prior.center) ** 2) / (2 * prior.sd ** 2));
    const x = d.estimate - 0.05;
    const exact = integrate((u) => weight(u) * Math.exp((u * x) / d.variance - (u * u) / (2 * d.variance)), 0, 1) / integrate(weight, 0, 1);
    expect(logNormalMixtureAbove(d, 0.05, prior)).toBeCloseTo(Math.log(exact), 6);
  });

  it('the interval is where the two-sided normal mixture stays below 1/α', () => {
    const d = { estimate: 0.1, variance: 0.0004 };
    const { lower, upper } = normalMixtureInterval(d, 0.05, 0.1);
    const mixture = (d0: number): number =>
      integrate((t) => Math.exp(-(t * t) / (2 * 0.01)) * Math.exp(((t * (d.estimate - d0)) / d.variance) - (t * t) / (2 * d.variance)), -1, 1) / Math.sqrt(2 * Math.PI * 0.01);
    expect(mixture(lower)).toBeCloseTo(20, 3);
    expect(mixture(upper)).toBeCloseTo(20, 3);
  });
});

describe('Mann–Whitney shift interval', () => {
  it('gives the Hodges–Lehmann estimate and the k-th order statistics of the pairwise differences', () => {
    // Differences 10 + (i − j): multiplicities 1,2,3,4,5,4,3,2,1 over 6..14; k = floor(12.5 − 1.645·√(275/12)) = 4.
    const control = [1, 2, 3, 4, 5];
    const experiment = control.map((v) => v + 10);
    const result = mannWhitneyShift(experiment, control, 0.9);
    expect(result.estimate).toBe(10);
    expect(result.lower).toBe(8);
    expect(result.upper).toBe(12);
  });

  it('is unbounded for samples too small for the confidence', () => {
    expect(mannWhitneyShift([1, 2], [3], 0.98)).toMatchObject({ lower: -Infinity, upper: Infinity });
  });

  it('the incremental tracker agrees with a fresh computation as samples grow', () => {
    const track = createShiftTracker();
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 25; i++) {
      a.push(Math.sin(i * 7.3) + 0.3);
      if (i % 3 !== 0) b.push(Math.cos(i * 3.1));
      if (b.length > 0) expect(track(a, b, 0.98)).toEqual(mannWhitneyShift(a, b, 0.98));
    }
  });
});
