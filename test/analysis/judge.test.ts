import { describe, expect, it } from 'vitest';
import { createJudge, JudgePolicyError, parseJudgePolicy, type ArmSnapshot, type JudgePolicyInput, type Snapshot } from '../../analysis/index.js';
import { NO_EFFECT, simulate, type CanaryEffect } from '../../bench/judge/simulate.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025];

/** An arm with `requests` requests spread like the bucket shares in `shape`. */
function arm(requests: number, errors = 0, predictions: Record<string, number> = { Adelie: requests - errors }, shape = [0.1, 0.5, 0.8, 0.95, 0.99]): ArmSnapshot {
  return { requests, errors, latency: { buckets: BUCKETS, counts: shape.map((s) => Math.round(s * requests)), count: requests }, predictions };
}

/** Walks snapshots like a live analysis: the first decision, the verdict, and the look (1-based). */
function walk(policy: JudgePolicyInput, snapshots: Snapshot[]) {
  const judge = createJudge(policy);
  for (let i = 0; i < snapshots.length; i++) {
    const verdict = judge.evaluate(snapshots[i]!, { final: i === snapshots.length - 1 });
    if (verdict.decision !== 'continue') return { ...verdict, look: i + 1 };
  }
  return null;
}

const seeds = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);
const runs = (effect: CanaryEffect, n: number, from: number, policy: JudgePolicyInput = {}) => seeds(n, from).map((seed) => walk(policy, simulate(effect, seed)));

describe('judge policy', () => {
  it('fills every default from an empty policy', () => {
    const policy = parseJudgePolicy({});
    expect(policy).toMatchObject({ mode: 'sequential', alpha: 0.05, canaryShare: 0.5, noDataDecision: 'rollback' });
    expect(policy.metrics.latency).toEqual({ enabled: true, critical: true, tolerance: 0.1, quantiles: [0.5, 0.9], tail: { enabled: true, quantiles: [0.99, 0.999], tolerance: 0.1 } });
    expect(policy.metrics.errors).toEqual({ enabled: true, critical: true, tolerance: 0.1, negligibleRate: 0.001 });
    expect(policy.metrics.predictions.tolerance).toBe(0.05);
    expect(policy.kayenta).toMatchObject({ confidence: 0.98, tolerance: 0.25, passScore: 75, marginalScore: 50 });
  });

  it('refuses unknown fields, naming them and the allowed ones', () => {
    expect(() => parseJudgePolicy({ alhpa: 0.1 })).toThrow(/'alhpa' is not a judge policy field: allowed fields are mode, alpha, /);
    expect(() => parseJudgePolicy({ metrics: { latency: { tolerence: 0.2 } } })).toThrow(
      /'metrics\.latency\.tolerence' is not a judge policy field: allowed fields are enabled, critical, tolerance, quantiles/,
    );
  });

  it('refuses bad values, naming the field, the value and what is allowed', () => {
    expect(() => parseJudgePolicy({ mode: 'bayesian' })).toThrow(/'mode' is "bayesian": expected one of 'sequential' \(default\), 'kayenta', 'threshold'/);
    expect(() => parseJudgePolicy({ alpha: 1.5 })).toThrow(/'alpha' is 1.5: expected a probability between 0 and 1/);
    expect(() => parseJudgePolicy({ noDataDecision: 'promote' })).toThrow(/'noDataDecision' is "promote": expected one of 'rollback' \(default\), 'continue'/);
    expect(() => parseJudgePolicy({ metrics: { latency: { quantiles: [0.5, 2] } } })).toThrow(/'metrics\.latency\.quantiles\.1' is 2: expected a list of 1 to 8 probabilities/);
    expect(() => parseJudgePolicy({ metrics: { latency: { tail: { quantiles: [0.5] } } } })).toThrow(/'metrics\.latency\.tail\.quantiles\.0' is 0\.5: expected a list of 1 to 4 probabilities from 0\.9/);
    expect(() => parseJudgePolicy({ kayenta: { passScore: 40 } })).toThrow(/'kayenta\.marginalScore' is 50: expected less than 'kayenta\.passScore' \(40\)/);
    expect(() => parseJudgePolicy({ metrics: { latency: { enabled: false }, errors: { enabled: false }, predictions: { enabled: false } } })).toThrow(/enables no metric/);
    expect(() => parseJudgePolicy('fast')).toThrow(JudgePolicyError);
  });
});

describe('no data is never a pass', () => {
  it('an arm without data means continue, and at the end the policy decision (rollback by default)', () => {
    const judge = createJudge();
    const verdict = judge.evaluate({ t: 10, baseline: arm(500), canary: null });
    expect(verdict.decision).toBe('continue');
    expect(verdict.reasons[0]).toBe('no decision: no data from canary at t=10 (the metric source failed or returned nothing)');
    const explained = judge.evaluate({ t: 11, baseline: arm(500), canary: null, missing: { canary: 'GET http://c/metrics: HTTP 503' } });
    expect(explained.reasons[0]).toBe('no decision: no data from canary at t=11 (canary: GET http://c/metrics: HTTP 503)');
    expect(judge.evaluate({ t: 20, baseline: null, canary: null }, { final: true })).toMatchObject({ decision: 'rollback' });
    expect(createJudge({ noDataDecision: 'continue' }).evaluate({ t: 20, baseline: null, canary: null }, { final: true }).decision).toBe('continue');
  });

  it('below the minimum exposure the verdict is continue, even when the data look perfect; at the end it is not promote', () => {
    const judge = createJudge({ minRequestsPerArm: 200 });
    const early = judge.evaluate({ t: 10, baseline: arm(150), canary: arm(150) });
    expect(early.decision).toBe('continue');
    expect(early.reasons[0]).toMatch(/minimum exposure not reached: baseline 150, canary 150 requests, need 200 each/);
    expect(judge.evaluate({ t: 20, baseline: arm(190), canary: arm(180) }, { final: true }).decision).toBe('rollback');
  });

  it('a classifier metric without predictions blocks promotion at the end, unless the policy disables it', () => {
    const noPredictions = (n: number): ArmSnapshot => ({ ...arm(n), predictions: {} });
    const snapshots = [1, 2, 3].map((i) => ({ t: i * 10, baseline: noPredictions(400 * i), canary: noPredictions(400 * i) }));
    const verdict = walk({}, snapshots)!;
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons[0]).toMatch(/no data for critical metric predictions/);
    expect(walk({ metrics: { predictions: { enabled: false } } }, snapshots)!.decision).toBe('promote');
  });

  it('an unusable snapshot is no data, with the reason', () => {
    const broken = { ...arm(300), errors: 400 };
    const verdict = createJudge().evaluate({ t: 5, baseline: arm(300), canary: broken });
    expect(verdict.decision).toBe('continue');
    expect(verdict.reasons[0]).toMatch(/canary snapshot at t=5 is unusable: errors \(400\) exceed requests \(300\)/);
  });
});

describe('the sequential judge on simulated canaries (30 looks of ~60 requests per arm)', () => {
  it('rolls back a slower canary (median +25%) on latency, explaining it with bounds', () => {
    const results = runs({ ...NO_EFFECT, latencyFactor: 1.25 }, 20, 100);
    const rolledBack = results.filter((r) => r?.decision === 'rollback');
    expect(rolledBack.length).toBeGreaterThanOrEqual(18);
    for (const r of rolledBack) expect(r!.reasons[0]).toMatch(/^canary p\d+ latency \+\d+(\.\d)?% vs baseline \(95% bounds [−+≤≥\d.%]+\.\.[−+≤≥\d.%]+\) after [\d,]+ requests: slower than the \+10% tolerance$/);
  });

  it('rolls back a canary whose slowest 2% of requests became 10× slower (median unchanged), naming its tail latency', () => {
    const results = seeds(10, 600).map((seed) => walk({}, simulate({ ...NO_EFFECT, tailShare: 0.02, tailFactor: 10 }, seed, { requestsPerArm: 200 })));
    const onTail = results.filter((r) => r?.decision === 'rollback' && /^canary p99(\.9)? latency /.test(r.reasons[0]!));
    expect(onTail.length).toBeGreaterThanOrEqual(8);
    for (const r of onTail) {
      expect(r!.reasons[0]).toMatch(/^canary p99(\.9)? latency \+\d+(\.\d)?% vs baseline \([\d.]+% of canary requests slower than \+10% over the baseline's p99(\.9)?, [\d.]+% of baseline requests slower than it\) after [\d,]+ requests: slower than baseline beyond the \+10% tolerance$/);
      expect(r!.metrics.find((m) => m.name === 'latency')!.status).not.toBe('fail');
    }
  });

  it('the tail test stays quiet on a uniform shift within tolerance (+5%) and on identical arms', () => {
    const tailOf = (r: ReturnType<typeof walk>) => r?.metrics.find((m) => m.name.startsWith('tail latency'));
    const shifted = runs({ ...NO_EFFECT, latencyFactor: 1.05 }, 20, 700);
    expect(shifted.every((r) => tailOf(r)?.status !== 'fail')).toBe(true);
    const aa = runs(NO_EFFECT, 20, 800);
    expect(aa.every((r) => tailOf(r) !== undefined && tailOf(r)!.status !== 'fail')).toBe(true);
  });

  it('rolls back a canary whose error rate rises from 0.2% to 2%', () => {
    const results = runs({ ...NO_EFFECT, canaryErrorRate: 0.02 }, 20, 200);
    expect(results.filter((r) => r?.decision === 'rollback' && /canary error rate/.test(r.reasons[0]!)).length).toBeGreaterThanOrEqual(18);
  });

  it('rolls back a canary whose predicted class mix moved 15 points, even though it is fast and error-free', () => {
    const results = runs({ ...NO_EFFECT, classShift: 0.15 }, 20, 300);
    const onPredictions = results.filter((r) => r?.decision === 'rollback' && /canary class mix differs from baseline by TV/.test(r.reasons[0]!));
    expect(onPredictions.length).toBeGreaterThanOrEqual(18);
    const failing = onPredictions[0]!.metrics.find((m) => m.name === 'predictions')!;
    expect(failing).toMatchObject({ status: 'fail', kind: 'predictions', unit: 'tv', tolerance: 0.05 });
    expect(failing.estimate!).toBeGreaterThan(0.05);
    expect(failing.statistic.value).toBeGreaterThanOrEqual(failing.statistic.threshold);
  });

  it('promotes early, before the end of the window, once every metric is shown within tolerance (busy service, no errors)', () => {
    const snapshots = simulate({ ...NO_EFFECT, baselineErrorRate: 0, canaryErrorRate: 0 }, 42, { requestsPerArm: 750 });
    const verdict = walk({}, snapshots)!;
    expect(verdict.decision).toBe('promote');
    expect(verdict.look).toBeLessThan(30);
    expect(verdict.reasons[0]).toBe('every metric is within tolerance');
    expect(verdict.metrics.map((m) => m.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  });

  it('errors: a 10× relative increase that stays below the negligible rate (0.1%) is not a regression', () => {
    const snapshots = [1, 2, 3, 4, 5].map((i) => ({ t: i, baseline: arm(100_000 * i, 1 * i), canary: arm(100_000 * i, 10 * i) }));
    const judge = createJudge({ metrics: { predictions: { enabled: false } } });
    const verdicts = snapshots.map((s) => judge.evaluate(s));
    expect(verdicts.every((v) => v.decision !== 'rollback')).toBe(true);
    expect(verdicts.at(-1)!.metrics.find((m) => m.name === 'errors')!.status).toBe('pass');
    // The same ratio above the negligible rate is a regression.
    const high = createJudge({ metrics: { predictions: { enabled: false } } }).evaluate({ t: 1, baseline: arm(10_000, 10), canary: arm(10_000, 100) });
    expect(high.decision).toBe('rollback');
    expect(high.reasons[0]).toMatch(/^canary error rate 1% vs baseline 0.1% \(×10, 95% bounds ×[\d.]+\.\.×[\d.]+\) after 10,000 requests: above the \+10% tolerance \(or 0.1%\)$/);
  });

  it('never rolls back an improvement (canary 20% faster) and promotes it at the end', () => {
    const results = runs({ ...NO_EFFECT, latencyFactor: 0.8 }, 20, 400);
    expect(results.every((r) => r?.decision === 'promote')).toBe(true);
  });

  it('A/A at the default policy: false rollbacks ≤ 1%, promoted ≥ 80% (300 seeded runs, a look at every snapshot)', { timeout: 300_000 }, () => {
    const results = runs(NO_EFFECT, 300, 10_000);
    const rollbacks = results.filter((r) => r?.decision === 'rollback').length;
    const promoted = results.filter((r) => r?.decision === 'promote').length;
    expect(rollbacks / results.length).toBeLessThanOrEqual(0.01);
    expect(promoted / results.length).toBeGreaterThanOrEqual(0.8);
  });

  it('with every tolerance 0 (A/A sits on the null), false rollbacks stay under α although the judge looks 30 times', { timeout: 300_000 }, () => {
    const policy: JudgePolicyInput = { alpha: 0.05, metrics: { latency: { tolerance: 0 }, errors: { tolerance: 0 }, predictions: { tolerance: 0 } } };
    const results = runs({ ...NO_EFFECT, baselineErrorRate: 0.02, canaryErrorRate: 0.02 }, 300, 20_000, policy);
    const rate = results.filter((r) => r?.decision === 'rollback').length / results.length;
    expect(rate).toBeLessThanOrEqual(0.05);
  });

  it('gives the same verdicts for the same snapshots (pure, no hidden state between judges)', () => {
    const snapshots = simulate({ ...NO_EFFECT, latencyFactor: 1.25 }, 7);
    expect(JSON.stringify(walk({}, snapshots))).toBe(JSON.stringify(walk({}, snapshots)));
  });

  it('will not promote when the traffic split is clearly not the planned one, and says so first', () => {
    const snapshots = [1, 2, 3, 4].map((i) => ({ t: i, baseline: arm(1000 * i), canary: arm(600 * i) }));
    const verdict = walk({}, snapshots)!;
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons[0]).toMatch(/traffic split mismatch: the canary got 37\.5% of baseline \+ canary requests, planned 50%/);
    // With the planned split declared, the same data are a healthy canary.
    expect(walk({ canaryShare: 0.375, metrics: { predictions: { enabled: false } } }, snapshots)!.decision).toBe('promote');
  });
});

describe('kayenta and threshold modes', () => {
  it('kayenta: a canary with 20% errors scores 0 and rolls back; identical arms are promoted at the end', () => {
    const broken = walk({ mode: 'kayenta' }, simulate({ ...NO_EFFECT, canaryErrorRate: 0.2 }, 5))!;
    expect(broken.decision).toBe('rollback');
    expect(broken.reasons[0]).toMatch(/^kayenta score 0 ≤ marginal 50$/);
    expect(broken.reasons.some((r) => /^error rate: canary − baseline \+[\d.]+ pts \(98% interval .* over \d+ intervals\): High$/.test(r))).toBe(true);
    const same = walk({ mode: 'kayenta' }, simulate(NO_EFFECT, 6))!;
    expect(same.decision).toBe('promote');
    expect(same.reasons[0]).toMatch(/kayenta score 100 ≥ pass 75/);
  });

  it('threshold: failed interval checks accumulate and roll back at the limit; a missing interval fails too', () => {
    const policy: JudgePolicyInput = { mode: 'threshold', minRequestsPerArm: 1, threshold: { maxErrorRate: 0.01, failedChecks: 3 } };
    const judge = createJudge(policy);
    const snap = (i: number, errors: number): Snapshot => ({ t: i, baseline: arm(100 * i), canary: arm(100 * i, errors) });
    expect(judge.evaluate(snap(1, 0)).decision).toBe('continue');
    expect(judge.evaluate(snap(2, 5)).decision).toBe('continue');
    expect(judge.evaluate(snap(3, 5)).decision).toBe('continue'); // no new canary errors: passes
    expect(judge.evaluate({ t: 4, baseline: arm(400), canary: arm(300, 5) }).decision).toBe('continue'); // no new requests: "no values"
    const verdict = judge.evaluate(snap(5, 20));
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons[0]).toBe('3 failed interval checks (limit 3)');
  });

  it('threshold: promotes at the end when the limit was not reached', () => {
    const snapshots = [1, 2, 3].map((i) => ({ t: i, baseline: arm(200 * i), canary: arm(200 * i) }));
    expect(walk({ mode: 'threshold' }, snapshots)!.decision).toBe('promote');
  });
});
