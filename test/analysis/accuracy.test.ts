import { describe, expect, it } from 'vitest';
import { createJudge, parseJudgePolicy, type JudgePolicyInput, type Snapshot } from '../../analysis/index.js';
import { createRandom } from '../../bench/judge/random.js';
import { NO_EFFECT, simulate } from '../../bench/judge/simulate.js';

/** Labelled feedback: each look, about `perLook` predictions per arm get a label, right with the arm's accuracy. */
interface Labels {
  baseline: number;
  canary: number;
  perLook: number;
}

/** The simulated analysis (shared non-stationary load, identical arms otherwise) with labels added to both arms. */
function labelled(seed: number, labels: Labels | null, options: Parameters<typeof simulate>[2] = {}): Snapshot[] {
  const snapshots = simulate(NO_EFFECT, seed, options);
  if (!labels) return snapshots;
  const random = createRandom(seed + 1_000_000);
  const counts = { baseline: { correct: 0, incorrect: 0 }, canary: { correct: 0, incorrect: 0 } };
  return snapshots.map((s) => {
    for (const arm of ['baseline', 'canary'] as const) {
      const n = random.poisson(labels.perLook);
      const correct = random.binomial(n, labels[arm]);
      counts[arm] = { correct: counts[arm].correct + correct, incorrect: counts[arm].incorrect + n - correct };
    }
    return { ...s, baseline: { ...s.baseline!, feedback: { ...counts.baseline } }, canary: { ...s.canary!, feedback: { ...counts.canary } } };
  });
}

function walk(policy: JudgePolicyInput, snapshots: Snapshot[]) {
  const judge = createJudge(policy);
  for (let i = 0; i < snapshots.length; i++) {
    const verdict = judge.evaluate(snapshots[i]!, { final: i === snapshots.length - 1 });
    if (verdict.decision !== 'continue') return { ...verdict, look: i + 1 };
  }
  return null;
}

const WITH_ACCURACY: JudgePolicyInput = { metrics: { accuracy: { tolerance: 0.02 } } };
const seeds = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => from + i);

describe('accuracy policy', () => {
  it('is off unless the policy names it; naming it enables it with a 2-point tolerance', () => {
    expect(parseJudgePolicy({}).metrics.accuracy).toEqual({ enabled: false, critical: true, tolerance: 0.02 });
    expect(parseJudgePolicy({ metrics: { accuracy: {} } }).metrics.accuracy).toEqual({ enabled: true, critical: true, tolerance: 0.02 });
    expect(parseJudgePolicy({ metrics: { accuracy: { tolerance: 0.05, critical: false } } }).metrics.accuracy).toEqual({ enabled: true, critical: false, tolerance: 0.05 });
  });

  it('refuses bad values, accuracy alone, and accuracy outside the sequential mode', () => {
    expect(() => parseJudgePolicy({ metrics: { accuracy: { tolerance: 2 } } })).toThrow(/'metrics\.accuracy\.tolerance' is 2: expected a number between 0 and 1: how far the canary's accuracy may fall/);
    expect(() => parseJudgePolicy({ metrics: { accuracy: { tolerence: 0.1 } } })).toThrow(/'metrics\.accuracy\.tolerence' is not a judge policy field: allowed fields are enabled, critical, tolerance/);
    const alone = { latency: { enabled: false }, errors: { enabled: false }, predictions: { enabled: false }, accuracy: {} };
    expect(() => parseJudgePolicy({ metrics: alone })).toThrow(/enables no metric: .*accuracy counts only where labels come/);
    expect(() => parseJudgePolicy({ mode: 'kayenta', metrics: { accuracy: {} } })).toThrow(/'metrics\.accuracy' is enabled with mode 'kayenta': the accuracy test exists in mode 'sequential' only/);
  });
});

describe('the accuracy test in the sequential judge (30 looks, ~20 labels per arm per look)', () => {
  it('rolls back a canary whose accuracy fell from 98% to 75%, saying so in plain numbers', () => {
    const results = seeds(20, 100).map((seed) => walk(WITH_ACCURACY, labelled(seed, { baseline: 0.98, canary: 0.75, perLook: 20 })));
    expect(results.every((r) => r?.decision === 'rollback')).toBe(true);
    const first = results[0]!;
    expect(first.look).toBeLessThanOrEqual(10);
    expect(first.reasons[0]).toMatch(/^canary accuracy \d\d(\.\d)?% vs baseline \d\d(\.\d)?% \(−\d+ pts, 95% bounds −\d+(\.\d)?\.\.[−+]\d+(\.\d)? pts\) after \d+ labelled canary predictions: below baseline beyond the 2 pts tolerance$/);
    const accuracy = first.metrics.find((m) => m.name === 'accuracy')!;
    expect(accuracy).toMatchObject({ kind: 'accuracy', status: 'fail', unit: 'difference', tolerance: 0.02, critical: true });
    expect(accuracy.estimate!).toBeLessThan(-0.1);
    expect(accuracy.upper!).toBeLessThan(0);
  });

  it('a drop within the tolerance (98% → 97%) is not rolled back', () => {
    const results = seeds(50, 300).map((seed) => walk(WITH_ACCURACY, labelled(seed, { baseline: 0.98, canary: 0.97, perLook: 20 })));
    expect(results.filter((r) => r?.decision === 'rollback')).toHaveLength(0);
  });

  it('A/A with labels: false rollbacks ≤ 1%, promoted ≥ 80% (300 seeded runs, a look at every snapshot)', { timeout: 300_000 }, () => {
    const results = seeds(300, 40_000).map((seed) => walk(WITH_ACCURACY, labelled(seed, { baseline: 0.98, canary: 0.98, perLook: 20 })));
    const rollbacks = results.filter((r) => r?.decision === 'rollback').length;
    expect(rollbacks / results.length).toBeLessThanOrEqual(0.01);
    expect(results.filter((r) => r?.decision === 'promote').length / results.length).toBeGreaterThanOrEqual(0.8);
  });

  it('with its tolerance 0 (A/A sits on the null), false accuracy rollbacks stay under α although the judge looks 30 times', { timeout: 300_000 }, () => {
    const policy: JudgePolicyInput = { alpha: 0.05, metrics: { latency: { enabled: false }, predictions: { enabled: false }, accuracy: { tolerance: 0 } } };
    const results = seeds(300, 50_000).map((seed) => walk(policy, labelled(seed, { baseline: 0.9, canary: 0.9, perLook: 60 })));
    const onAccuracy = results.filter((r) => r?.decision === 'rollback' && r.reasons.some((reason) => reason.startsWith('canary accuracy'))).length;
    // Two metrics, α/2 each.
    expect(onAccuracy / results.length).toBeLessThanOrEqual(0.025);
  });

  it('without labels it has no effect: no rollback, early promotion and the end-of-window promote as before, "no labels" in the reasons', () => {
    const busy = simulate({ ...NO_EFFECT, baselineErrorRate: 0, canaryErrorRate: 0 }, 42, { requestsPerArm: 750 });
    const verdict = walk(WITH_ACCURACY, busy)!;
    expect(verdict.decision).toBe('promote');
    expect(verdict.look).toBeLessThan(30);
    expect(verdict.reasons[0]).toBe('every metric is within tolerance');
    expect(verdict.reasons).toContain('accuracy: no labels (no labelled feedback in either arm); it takes part once both arms have some');
    expect(verdict.metrics.find((m) => m.name === 'accuracy')).toMatchObject({ status: 'no-data', samples: { baseline: 0, canary: 0 } });

    const quiet = seeds(30, 700).map((seed) => walk(WITH_ACCURACY, labelled(seed, null)));
    expect(quiet.every((r) => r?.decision === 'promote')).toBe(true);
  });

  it('a few labels (under 30 per arm) do not count either, however bad they look', () => {
    const verdict = walk(WITH_ACCURACY, labelled(5, { baseline: 1, canary: 0, perLook: 0.5 }))!;
    expect(verdict.decision).toBe('promote');
    expect(verdict.reasons.find((r) => r.startsWith('accuracy:'))).toMatch(/^accuracy: too few labels to compare \(baseline \d+, canary \d+; need 30 each\)$/);
  });

  it('labels count in replayed snapshots and a malformed count is no data', () => {
    const judge = createJudge(WITH_ACCURACY);
    const [first] = labelled(1, { baseline: 0.98, canary: 0.75, perLook: 20 });
    const verdict = judge.evaluate({ ...first!, canary: { ...first!.canary!, feedback: { correct: -1, incorrect: 3 } } });
    expect(verdict.reasons[0]).toMatch(/the canary snapshot at t=10 is unusable: counts must be finite numbers ≥ 0/);
  });
});
