/**
 * `npm run bench:judge`: simulated canary analyses judged by every mode, in parallel child processes. Prints the
 * Markdown table that docs/canary-analysis.md shows and writes bench/results/judge.json.
 * Options: --aa-runs N (default 1000), --runs N per other scenario (300), --seed N (1), --snapshots N (30),
 * --requests N per arm per snapshot (60), --jobs N (CPU count).
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { summarize, type Outcome } from './outcome.js';
import { SCENARIOS } from './scenarios.js';
import { firstPass, KAYENTA_LADDER, secondPass, type BenchOptions, type FirstPass, type OutcomeTable } from './shard.js';
import { formatTable, type ModeRow } from './table.js';

type Task = { pass: 1 } | { pass: 2; confidences: number[] };

/** In a child: run one shard of one pass and send the result back. */
function runShard(task: Task, options: BenchOptions, shard: number, shards: number): void {
  const result = task.pass === 1 ? firstPass(options, shard, shards) : secondPass(options, shard, shards, task.confidences);
  process.send!(result, () => process.disconnect());
}

function inChildren<T>(task: Task, options: BenchOptions, jobs: number): Promise<T[]> {
  return Promise.all(
    Array.from({ length: jobs }, (_, shard) => {
      const child = fork(process.argv[1]!, ['--shard', JSON.stringify({ task, options, shard, shards: jobs })], { execArgv: process.execArgv });
      return new Promise<T>((resolve, reject) => {
        child.once('message', (message) => resolve(message as T));
        child.once('error', reject);
        child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`bench shard ${shard} exited with ${code}`))));
      });
    }),
  );
}

const merge = (tables: OutcomeTable[]): Outcome[][] => SCENARIOS.map((_, k) => tables.flatMap((t) => t[k]!));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'aa-runs': { type: 'string', default: '1000' },
      runs: { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
      snapshots: { type: 'string', default: '30' },
      requests: { type: 'string', default: '60' },
      jobs: { type: 'string', default: String(availableParallelism()) },
      shard: { type: 'string' },
    },
  });
  if (values.shard) {
    const { task, options, shard, shards } = JSON.parse(values.shard) as { task: Task; options: BenchOptions; shard: number; shards: number };
    return runShard(task, options, shard, shards);
  }
  const options: BenchOptions = {
    aaRuns: Number(values['aa-runs']),
    runs: Number(values.runs),
    seed: Number(values.seed),
    snapshots: Number(values.snapshots),
    requestsPerArm: Number(values.requests),
  };
  const jobs = Math.max(1, Number(values.jobs));
  const started = Date.now();
  const progress = (message: string): void => void process.stderr.write(`bench:judge ${((Date.now() - started) / 1000).toFixed(0)}s ${message}\n`);

  progress(`judging ${options.aaRuns} A/A and ${options.runs} runs of ${SCENARIOS.length - 1} other scenarios in ${jobs} processes`);
  const first = await inChildren<FirstPass>({ pass: 1 }, options, jobs);
  const sequential = merge(first.map((f) => f.sequential));
  const aaIndex = SCENARIOS.findIndex((s) => s.group === 'aa');
  const targetRate = summarize(sequential[aaIndex]!, options.snapshots).rollbackRate;
  const highest = first.flatMap((f) => f.kayentaAaHighest);
  const aaRate = (rung: number): number => highest.filter((h) => h >= rung).length / highest.length;
  /** The lowest rung whose A/A false-rollback rate is at most `rate` (the top rung if none is). */
  const calibrate = (rate: number): number => {
    const found = KAYENTA_LADDER.findIndex((_, rung) => aaRate(rung) <= rate);
    return found === -1 ? KAYENTA_LADDER.length - 1 : found;
  };
  const rungs = [calibrate(targetRate), calibrate(0.01)];
  progress(`kayenta calibrated: confidence ${rungs.map((r) => `${KAYENTA_LADDER[r]} (A/A ${(aaRate(r) * 100).toFixed(1)}%)`).join(', ')}; sequential A/A ${(targetRate * 100).toFixed(1)}%`);
  const second = await inChildren<OutcomeTable[]>({ pass: 2, confidences: rungs.map((r) => KAYENTA_LADDER[r]!) }, options, jobs);
  const [matched, targeted] = rungs.map((_, c) => merge(second.map((tables) => tables[c]!)));
  // A/A at a calibrated rung follows from the ladder: a run rolls back exactly when its highest rung reaches it.
  const aaAt = (rung: number): Outcome[] => highest.map((h): Outcome => (h >= rung ? { decision: 'rollback', look: null } : { decision: 'promote', look: options.snapshots }));
  matched![aaIndex] = aaAt(rungs[0]!);
  targeted![aaIndex] = aaAt(rungs[1]!);

  const summaries = (table: Outcome[][]) => table.map((outcomes) => summarize(outcomes, options.snapshots));
  const rows: ModeRow[] = [
    { mode: 'sequential (default policy)', summaries: summaries(sequential) },
    { mode: 'kayenta (defaults: confidence 0.98, tolerance 0.25, pass 75, marginal 50)', summaries: summaries(merge(first.map((f) => f.kayenta))) },
    { mode: `kayenta at the sequential judge's A/A false-rollback rate (confidence ${KAYENTA_LADDER[rungs[0]!]})`, summaries: summaries(matched!) },
    { mode: `kayenta at ≤ 1% A/A false rollbacks (confidence ${KAYENTA_LADDER[rungs[1]!]})`, summaries: summaries(targeted!) },
    { mode: 'threshold (Flagger-style: error rate ≤ 1%, p99 ≤ 25 ms, 5 failed checks)', summaries: summaries(merge(first.map((f) => f.threshold))) },
  ];
  const seconds = (Date.now() - started) / 1000;
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
  console.log(formatTable(SCENARIOS, rows));
  console.log(
    `\n${options.aaRuns} A/A runs and ${options.runs} runs per other scenario; ${options.snapshots} snapshots of ~${options.requestsPerArm} requests ` +
      `per arm; seed ${options.seed}; ${seconds.toFixed(0)} s with ${jobs} processes on ${machine}.`,
  );
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/judge.json', `${JSON.stringify({ machine, seconds, options, scenarios: SCENARIOS.map((s) => s.name), rows }, null, 2)}\n`);
}

await main();
