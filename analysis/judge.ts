import { count } from './format.js';
import { histogramProblem } from './histogram.js';
import type { JudgeEngine } from './engine.js';
import { createKayentaEngine } from './kayenta/judge.js';
import { parseJudgePolicy, type JudgePolicy, type JudgePolicyInput } from './policy.js';
import { createSequentialEngine } from './sequential/judge.js';
import type { ArmPair } from './sequential/shared.js';
import { createThresholdEngine } from './threshold/judge.js';
import type { ArmSnapshot, Snapshot, Verdict } from './types.js';

/** A canary judge: feed it every snapshot in order; it remembers what it needs between looks. */
export interface Judge {
  readonly policy: JudgePolicy;
  evaluate(snapshot: Snapshot, opts?: { final?: boolean }): Verdict;
}

function createEngine(policy: JudgePolicy): JudgeEngine {
  if (policy.mode === 'kayenta') return createKayentaEngine(policy);
  if (policy.mode === 'threshold') return createThresholdEngine(policy);
  return createSequentialEngine(policy);
}

/** Why an arm's snapshot cannot be used, or null. */
function armProblem(arm: ArmSnapshot): string | null {
  const numbers = [arm.requests, arm.errors, arm.latency.count, ...Object.values(arm.predictions), ...Object.values(arm.feedback ?? {})];
  if (numbers.some((n) => typeof n !== 'number' || !Number.isFinite(n) || n < 0)) return 'counts must be finite numbers ≥ 0';
  if (arm.errors > arm.requests) return `errors (${arm.errors}) exceed requests (${arm.requests})`;
  return histogramProblem(arm.latency);
}

/**
 * Creates a judge for the policy (validated; defaults fill the rest). The judge is pure: no I/O, no clock; its only
 * state is the previous snapshot and each test's running counts, so replaying snapshots gives the same verdicts.
 */
export function createJudge(input: JudgePolicyInput | JudgePolicy = {}): Judge {
  const policy = parseJudgePolicy(input);
  const engine = createEngine(policy);
  let previous: ArmPair | null = null;

  function noData(t: number, why: string, final: boolean): Verdict {
    const decision = final ? policy.noDataDecision : 'continue';
    const reasons = [final ? `end of analysis without enough data: ${why}` : `no decision: ${why}`];
    return { decision, reasons, metrics: previous ? engine.metrics(previous) : [], t };
  }

  function evaluate(snapshot: Snapshot, opts: { final?: boolean } = {}): Verdict {
    const final = opts.final ?? false;
    const { baseline, canary, t } = snapshot;
    if (!baseline || !canary) {
      const missing = [!baseline && 'baseline', !canary && 'canary'].filter(Boolean).join(' and ');
      const why = (['baseline', 'canary'] as const).flatMap((arm) => (snapshot.missing?.[arm] ? [`${arm}: ${snapshot.missing[arm]}`] : []));
      return noData(t, `no data from ${missing} at t=${t} (${why.length ? why.join('; ') : 'the metric source failed or returned nothing'})`, final);
    }
    for (const [name, arm] of [['baseline', baseline], ['canary', canary]] as const) {
      const problem = armProblem(arm);
      if (problem) return noData(t, `the ${name} snapshot at t=${t} is unusable: ${problem}`, final);
    }
    const current: ArmPair = { baseline, canary };
    engine.observe(previous, current);
    previous = current;
    const metrics = engine.metrics(current);
    const least = Math.min(baseline.requests, canary.requests);
    if (least < policy.minRequestsPerArm) {
      const why = `minimum exposure not reached: baseline ${count(baseline.requests)}, canary ${count(canary.requests)} requests, need ${count(policy.minRequestsPerArm)} each (minRequestsPerArm)`;
      const decision = final ? policy.noDataDecision : 'continue';
      return { decision, reasons: [final ? `end of analysis without enough data: ${why}` : `waiting: ${why}`], metrics, t };
    }
    return { ...engine.decide(metrics, current, final), metrics, t };
  }

  return { policy, evaluate };
}
