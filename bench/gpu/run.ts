/**
 * The prepared GPU check (docs/optimization.md, "GPU"): the heavy MLP on the CUDA execution provider against the
 * CPU, same inputs: max |Δ| and label agreement, then rows/s at batch 1, 64 and 256 on each. Needs a machine with an
 * NVIDIA GPU and onnxruntime-node's CUDA provider libraries (the GPU image, or
 * `ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js` with network access).
 *
 *   npx tsx bench/gpu/run.ts [--provider cuda] [--hidden 4096,4096] [--io 1024] [--budget-ms 2000] [--out DIR]
 *
 * Writes <out>/gpu-<date>.json (default bench/results; $OUT when set). Exit 3 when CUDA cannot be used, with what
 * onnxruntime-node said in the JSON: the check never reports CPU numbers as GPU numbers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Tensor } from '../../service/src/protocol/tensor.js';
import { createOnnxSession, listExecutionProviders, probeExecutionProvider, type OnnxSession } from '../../service/src/runtime/onnx-session.js';
import { buildMlpOnnx } from '../../tools/samples/index.js';
import { createRandom } from '../../tools/random.js';

const { values: args } = parseArgs({ options: { provider: { type: 'string' }, io: { type: 'string' }, hidden: { type: 'string' }, 'budget-ms': { type: 'string' }, out: { type: 'string' } } });
const io = Number(args.io ?? 1024);
const hidden = (args.hidden ?? '4096,4096').split(',').map(Number);
const budgetMs = Number(args['budget-ms'] ?? 2000);
const outDir = args.out ?? process.env.OUT ?? 'bench/results';
const BATCHES = [1, 64, 256];
/** `cuda` on the GPU machine; `--provider cpu` runs the whole script here as a dry run of its own code (CPU against CPU). */
const provider = args.provider ?? 'cuda';
type Run = Awaited<ReturnType<typeof rowsPerSecond>>;

function gpuName(): string {
  try {
    return execFileSync('nvidia-smi', ['--query-gpu=name,driver_version,memory.total', '--format=csv,noheader'], { encoding: 'utf8' }).trim();
  } catch {
    return 'nvidia-smi not found';
  }
}

function feeds(rows: number, seed: number): Record<string, Tensor> {
  const random = createRandom(seed);
  return { features: { datatype: 'FP32', shape: [rows, io], data: Float32Array.from({ length: rows * io }, () => random.normal()) } };
}

async function rowsPerSecond(session: OnnxSession, batch: number): Promise<{ batch: number; rowsPerSecond: number; medianMs: number; runs: number }> {
  const input = feeds(batch, 100 + batch);
  for (let i = 0; i < 3; i++) await session.run(input);
  const times: number[] = [];
  const end = performance.now() + budgetMs;
  while (times.length < 5 || performance.now() < end) {
    const start = performance.now();
    await session.run(input);
    times.push(performance.now() - start);
  }
  const total = times.reduce((a, b) => a + b, 0);
  const sorted = [...times].sort((a, b) => a - b);
  return { batch, rowsPerSecond: Math.round((batch * times.length) / (total / 1000)), medianMs: Number(sorted[sorted.length >> 1]!.toFixed(3)), runs: times.length };
}

async function main(): Promise<number> {
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    command: `npx tsx bench/gpu/run.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: { host: hostname(), cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`, gpu: gpuName(), loadAverageAtStart: loadavg(), node: process.version, onnxruntimeProviders: listExecutionProviders() },
    model: `random MLP ${[io, ...hidden, io].join('-')} (relu, seed 7), FP32`,
  };
  const write = (): void => {
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `gpu-${String(report.date).slice(0, 10)}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stderr.write(`bench/gpu: wrote ${file}\n`);
  };
  report.provider = provider;
  const probe = await probeExecutionProvider(provider);
  if (!probe.ok) {
    report.available = false;
    report.reason = probe.reason;
    write();
    process.stderr.write(`bench/gpu: ${provider} cannot be used here: ${probe.reason}\n`);
    return 3;
  }
  const bytes = buildMlpOnnx({ inputSize: io, hidden, outputSize: io, seed: 7 });
  const gpu = await createOnnxSession(bytes, { intraOpNumThreads: 1, executionProviders: [provider], requireExecutionProvider: true });
  const cpu = await createOnnxSession(bytes, { intraOpNumThreads: availableParallelism(), executionProviders: ['cpu'] });
  const check = feeds(256, 1);
  const [a, b] = [await cpu.run(check), await gpu.run(check)];
  const pa = a.probabilities!.data as Float32Array;
  const pb = b.probabilities!.data as Float32Array;
  let maxAbsDiff = 0;
  for (let i = 0; i < pa.length; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(pa[i]! - pb[i]!));
  const la = a.label!.data as BigInt64Array;
  const lb = b.label!.data as BigInt64Array;
  const agreement = la.filter((v, i) => v === lb[i]).length / la.length;
  report.available = true;
  report.accuracy = { rows: 256, maxAbsDiffProbabilities: maxAbsDiff, labelAgreement: agreement };
  // Sequential, not parallel: each measurement has the device (or the cores) to itself.
  const deviceRuns: Run[] = [];
  for (const n of BATCHES) deviceRuns.push(await rowsPerSecond(gpu, n));
  const cpuRuns: Run[] = [];
  for (const n of BATCHES) cpuRuns.push(await rowsPerSecond(cpu, n));
  report.throughput = { device: deviceRuns, cpu: cpuRuns, cpuIntraOpThreads: availableParallelism() };
  report.speedup = Object.fromEntries(BATCHES.map((n, i) => [`batch${n}`, Number((deviceRuns[i]!.rowsPerSecond / cpuRuns[i]!.rowsPerSecond).toFixed(2))]));
  report.machine = { ...(report.machine as object), loadAverageAtEnd: loadavg() };
  await gpu.release();
  await cpu.release();
  write();
  process.stdout.write(`${JSON.stringify({ accuracy: report.accuracy, speedup: report.speedup }, null, 2)}\n`);
  return 0;
}

process.exitCode = await main();
