/**
 * Compute-bound efficiency: the heavy MLP served by `keelson serve` at c=64 (wrk, one row per request, dynamic
 * batching) against onnxruntime-node in-process with the same batch size (the served run's mean batch) and the same
 * threads (workers × intra-op threads), no HTTP. Reports rows per second of each and their ratio per model.
 *
 *   npx tsx bench/compute/run.ts [--seconds 10] [--rounds 2] [--big] [--binary]
 *   --big adds a 1024-4096-4096-1024 MLP; --binary sends rows as binary tensors (bench/binary/client.ts) instead of
 *   JSON through wrk, and asks for binary outputs
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { encodeBinaryRequest } from '../../platform/traffic/binary-body.js';
import { buildMlpModel } from '../../tools/samples/index.js';
import { closedLoop } from '../binary/client.js';
import { scrapeBatchTotals } from '../load/metrics.js';
import { runWrk } from '../load/wrk.js';
import { describeMachine } from '../machine.js';
import { DEFAULT_HEAVY, prepareModels } from '../models.js';
import { treeThreadCpuSeconds } from '../processes/proc.js';
import { startKeelson } from '../processes/servers.js';
import { killAll } from '../processes/spawn.js';

const argument = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
};
const SECONDS = argument('seconds', 10);
const ROUNDS = argument('rounds', 2);
const CONNECTIONS = argument('connections', 64);
const WORKERS = argument('workers', availableParallelism());
const INTRA = argument('intra-op-threads', 1);
const BINARY = process.argv.includes('--binary');

interface ModelCase { name: string; inputSize: number; hidden: number[]; outputSize: number }
const CASES: ModelCase[] = [
  { name: DEFAULT_HEAVY.name, inputSize: 4, hidden: DEFAULT_HEAVY.hidden, outputSize: 3 },
  ...(process.argv.includes('--big') ? [{ name: 'big', inputSize: 1024, hidden: [4096, 4096], outputSize: 1024 }] : []),
];

/** CPU seconds of every thread of `pid` but its main thread (here: the reference threads). */
function offMainCpu(pid: number): number {
  let sum = 0;
  for (const [key, seconds] of treeThreadCpuSeconds(pid)) if (key !== `${pid}/${pid}`) sum += seconds;
  return sum;
}
const mainCpu = (pid: number): number => treeThreadCpuSeconds(pid).get(`${pid}/${pid}`) ?? 0;

/** Rows per second (and rows per CPU-second of the threads) of `workers` reference threads running `batch`-row batches for SECONDS. */
async function inProcess(modelFile: string, c: ModelCase, batch: number): Promise<{ rowsPerSecond: number; rowsPerCpuSecond: number }> {
  const url = new URL('./ort-loop-worker.mjs', import.meta.url);
  const threads = Array.from({ length: WORKERS }, () => new Worker(url, { workerData: { modelFile, inputName: 'features', inputSize: c.inputSize, batch, seconds: SECONDS, intraOpNumThreads: INTRA } }));
  const next = (w: Worker) => new Promise<{ kind: string; rows?: number }>((res, rej) => { w.once('message', res); w.once('error', rej); });
  await Promise.all(threads.map(next)); // every session loaded and warm
  const started = performance.now();
  const cpu0 = offMainCpu(process.pid);
  const done = threads.map(next);
  for (const t of threads) t.postMessage('go');
  const rows = (await Promise.all(done)).reduce((sum, m) => sum + (m.rows ?? 0), 0);
  const seconds = (performance.now() - started) / 1000;
  const cpu = offMainCpu(process.pid) - cpu0;
  await Promise.all(threads.map((t) => t.terminate()));
  return { rowsPerSecond: rows / seconds, rowsPerCpuSecond: rows / cpu };
}

/** One-row binary requests at c=CONNECTIONS for SECONDS, in wrk's result shape (no latency percentiles). */
async function binaryLoad(url: string, c: ModelCase): Promise<{ rps: number; requests: number; errors: number; p99Ms: number }> {
  const row = Float32Array.from({ length: c.inputSize }, (_, j) => (j % 97) / 97);
  const run = await closedLoop(url, encodeBinaryRequest([{ name: 'features', datatype: 'FP32', shape: [1, c.inputSize], data: row }]), CONNECTIONS, SECONDS);
  return { rps: run.rps, requests: run.requests, errors: run.errors, p99Ms: Number.NaN };
}

function bodiesFor(dir: string, c: ModelCase): string {
  const file = join(dir, `${c.name}-bodies.txt`);
  const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, c.inputSize], data: Array.from({ length: c.inputSize }, (_, j) => ((i * 31 + j * 7) % 97) / 97) }] }));
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const workDir = resolve('.keelson/bench/compute');
  const modelsDir = join(workDir, 'models');
  const logDir = join(workDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  await prepareModels(modelsDir, DEFAULT_HEAVY);
  const results = [];
  for (const c of CASES) {
    if (c.name !== DEFAULT_HEAVY.name) {
      const { onnx, manifest } = buildMlpModel({ name: c.name, version: '1', inputSize: c.inputSize, hidden: c.hidden, outputSize: c.outputSize, seed: 3 });
      mkdirSync(join(modelsDir, c.name, '1'), { recursive: true });
      writeFileSync(join(modelsDir, c.name, '1', 'model.onnx'), onnx);
      writeFileSync(join(modelsDir, c.name, '1', 'model.json'), JSON.stringify(manifest, null, 2));
    }
    const bodies = bodiesFor(workDir, c);
    const modelFile = join(modelsDir, c.name, '1', 'model.onnx');
    const rounds: { servedRowsPerSecond: number; meanBatch: number; inProcessRowsPerSecond: number; ratio: number; p99Ms: number; servedCpuMsPerRow: number; inProcessCpuMsPerRow: number; servedMainThreadCpuMsPerRequest: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const { server, command } = await startKeelson(logDir, { name: `keelson ${c.name}`, modelsDir, model: `${c.name}:1`, flags: ['--workers', String(WORKERS), '--intra-op-threads', String(INTRA), '--log-level', 'warn'] });
      let served;
      let batches;
      try {
        const url = `${server.url}/v2/models/${c.name}/infer`;
        await runWrk({ url, connections: CONNECTIONS, durationS: 3, method: 'POST', bodiesFile: bodies });
        const before = await scrapeBatchTotals(server.url, c.name, '1');
        const total0 = server.cpuSeconds();
        const main0 = mainCpu(server.pid);
        served = BINARY ? await binaryLoad(url, c) : await runWrk({ url, connections: CONNECTIONS, durationS: SECONDS, method: 'POST', bodiesFile: bodies });
        const cpu = { total: server.cpuSeconds() - total0, main: mainCpu(server.pid) - main0 };
        const after = await scrapeBatchTotals(server.url, c.name, '1');
        batches = { rows: after.rows - before.rows, count: after.batches - before.batches, command, cpu };
      } finally {
        await server.stop();
      }
      if (served.errors > 0) throw new Error(`${c.name}: ${served.errors} errors under load`);
      const meanBatch = batches.rows / batches.count;
      const reference = await inProcess(modelFile, c, Math.max(1, Math.round(meanBatch)));
      rounds.push({
        servedRowsPerSecond: served.rps, meanBatch, inProcessRowsPerSecond: reference.rowsPerSecond, ratio: served.rps / reference.rowsPerSecond, p99Ms: served.p99Ms,
        servedCpuMsPerRow: (batches.cpu.total * 1000) / served.requests, inProcessCpuMsPerRow: 1000 / reference.rowsPerCpuSecond,
        servedMainThreadCpuMsPerRequest: (batches.cpu.main * 1000) / served.requests,
      });
      process.stderr.write(`${c.name} round ${round}: served ${served.rps.toFixed(0)} rows/s (mean batch ${meanBatch.toFixed(1)}), in-process ${reference.rowsPerSecond.toFixed(0)} rows/s → ${(served.rps / reference.rowsPerSecond).toFixed(2)}; CPU per row ${((batches.cpu.total * 1000) / served.requests).toFixed(3)} ms served (all threads) vs ${(1000 / reference.rowsPerCpuSecond).toFixed(3)} ms in-process; main thread ${((batches.cpu.main * 1000) / served.requests).toFixed(3)} ms/request\n`);
    }
    results.push({ model: `${c.name} MLP ${[c.inputSize, ...c.hidden, c.outputSize].join('-')}`, rounds });
  }
  const date = new Date().toISOString();
  const out = { date, machine, loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100), command: `npx tsx bench/compute/run.ts ${process.argv.slice(2).join(' ')}`.trim(), encoding: BINARY ? 'binary' : 'json', workers: WORKERS, intraOpThreads: INTRA, connections: CONNECTIONS, results };
  const file = `bench/results/compute-${BINARY ? 'binary-' : ''}${date.slice(0, 10)}.json`;
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  console.log('| model | served rows/s (c=' + CONNECTIONS + ') | mean batch | in-process ORT rows/s, same batch | served ÷ in-process | CPU per row, served (all threads) | CPU per row, in-process | main thread CPU / request |\n| :--- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    for (const x of r.rounds) {
      console.log(`| ${r.model} | ${x.servedRowsPerSecond.toFixed(0)} | ${x.meanBatch.toFixed(1)} | ${x.inProcessRowsPerSecond.toFixed(0)} | ${x.ratio.toFixed(2)} | ${x.servedCpuMsPerRow.toFixed(3)} ms | ${x.inProcessCpuMsPerRow.toFixed(3)} ms | ${x.servedMainThreadCpuMsPerRequest.toFixed(3)} ms |`);
    }
  }
  console.log(`\nload average ${machine.loadAverageAtStart.join(' ')} → ${out.loadAverageAtEnd.join(' ')}; ${file}`);
}

main().catch((error: unknown) => {
  killAll();
  console.error(error);
  process.exit(1);
});
