import type { JudgePolicyInput } from '../../analysis/index.js';
import { judgeScenario, type Outcome } from './outcome.js';
import { SCENARIOS } from './scenarios.js';
import { simulate } from './simulate.js';

/** What the benchmark runs; every shard simulates the same runs from the same seeds and judges its share. */
export interface BenchOptions {
  aaRuns: number;
  runs: number;
  seed: number;
  snapshots: number;
  requestsPerArm: number;
}

/** Kayenta's confidence ladder for calibrating its A/A false-rollback rate; the first rung is its default. */
export const KAYENTA_LADDER = [0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999, 0.99999];
/** Flagger-style bounds as a user would set them here: p99 ≤ 25 ms (the service's bucket above the usual p99). */
const THRESHOLD_POLICY: JudgePolicyInput = { mode: 'threshold', threshold: { maxLatencySeconds: 0.025 } };

/** Outcomes per scenario kind (index into SCENARIOS), in run order within the shard. */
export type OutcomeTable = Outcome[][];

export interface FirstPass {
  sequential: OutcomeTable;
  kayenta: OutcomeTable;
  threshold: OutcomeTable;
  /** Per A/A run: the highest ladder rung at which kayenta still rolls back (−1: never). */
  kayentaAaHighest: number[];
}

function runsOf(kind: number, options: BenchOptions, shard: number, shards: number): number[] {
  const count = SCENARIOS[kind]!.group === 'aa' ? options.aaRuns : options.runs;
  const runs: number[] = [];
  for (let i = shard; i < count; i += shards) runs.push(i);
  return runs;
}

function scenario(kind: number, run: number, options: BenchOptions) {
  const seed = options.seed * 1_000_003 + kind * 100_003 + run;
  return simulate(SCENARIOS[kind]!.effect, seed, { snapshots: options.snapshots, requestsPerArm: options.requestsPerArm });
}

/** Sequential, default kayenta and threshold on every run; the kayenta ladder on A/A runs. */
export function firstPass(options: BenchOptions, shard: number, shards: number): FirstPass {
  const result: FirstPass = { sequential: [], kayenta: [], threshold: [], kayentaAaHighest: [] };
  SCENARIOS.forEach((kind, k) => {
    result.sequential.push([]);
    result.kayenta.push([]);
    result.threshold.push([]);
    for (const run of runsOf(k, options, shard, shards)) {
      const snapshots = scenario(k, run, options);
      result.sequential[k]!.push(judgeScenario({}, snapshots));
      const kayenta = judgeScenario({ mode: 'kayenta' }, snapshots);
      result.kayenta[k]!.push(kayenta);
      result.threshold[k]!.push(judgeScenario(THRESHOLD_POLICY, snapshots));
      if (kind.group !== 'aa') continue;
      // With every metric critical (the default), a rollback at one confidence implies one at each lower rung.
      let highest = kayenta.decision === 'rollback' ? 0 : -1;
      for (let rung = 1; highest === rung - 1 && rung < KAYENTA_LADDER.length; rung++) {
        if (judgeScenario({ mode: 'kayenta', kayenta: { confidence: KAYENTA_LADDER[rung]! } }, snapshots).decision === 'rollback') highest = rung;
      }
      result.kayentaAaHighest.push(highest);
    }
  });
  return result;
}

/** Kayenta at calibrated confidences on every run that is not A/A (A/A follows from the ladder); one table each. */
export function secondPass(options: BenchOptions, shard: number, shards: number, confidences: number[]): OutcomeTable[] {
  const tables: OutcomeTable[] = confidences.map(() => SCENARIOS.map(() => []));
  SCENARIOS.forEach((kind, k) => {
    if (kind.group === 'aa') return;
    for (const run of runsOf(k, options, shard, shards)) {
      const snapshots = scenario(k, run, options);
      confidences.forEach((confidence, c) => tables[c]![k]!.push(judgeScenario({ mode: 'kayenta', kayenta: { confidence } }, snapshots)));
    }
  });
  return tables;
}
