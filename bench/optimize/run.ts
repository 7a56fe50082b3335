/**
 * `npm run bench:optimize [-- --quick]`: FP32 against int8, int8 weights, fp16 and 50% structured pruning (± int8),
 * side by side in one run on penguins:2 and a compute-bound MLP; writes bench/results/optimize-<date>[-quick].json.
 * Each variant is timed in several interleaved rounds and the best round is kept, so a burst of load from other
 * processes on a shared machine hurts every variant alike rather than whichever ran during it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { compareMeasurements } from '../../optimize/comparison.js';
import { measureModel, type ModelMeasurement } from '../../optimize/measure.js';
import { comparisonRows, type ComparisonRows } from '../../optimize/reference-rows.js';
import { transformModel, type TransformSpec } from '../../optimize/transform.js';
import type { ModelManifest } from '../../service/src/manifest.js';
import { readModelVersion } from '../../service/src/repository/read-version.js';
import { buildMlpModel, ensureSampleModels } from '../../tools/samples/index.js';
import { describeMachine } from '../machine.js';
import { evaluateOptimizeTargets, formatTable, type VariantResult } from './report.js';

const VARIANTS: { id: string; spec?: Omit<TransformSpec, 'granularity'> }[] = [
  { id: 'fp32' },
  { id: 'int8', spec: { quantize: 'int8', reduceRange: true } },
  { id: 'int8-full-range', spec: { quantize: 'int8', reduceRange: false } },
  { id: 'int8-weights', spec: { quantize: 'int8-weights', reduceRange: true } },
  { id: 'fp16', spec: { quantize: 'fp16', reduceRange: true } },
  { id: 'prune-0.5', spec: { prune: 0.5, reduceRange: true } },
  { id: 'prune-0.5+int8', spec: { prune: 0.5, quantize: 'int8', reduceRange: true } },
];

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    io: { type: 'string' },
    hidden: { type: 'string' },
    rounds: { type: 'string' },
    'budget-ms': { type: 'string' },
  },
});
const io = Number(args.io ?? (args.quick ? 256 : 1024));
const hidden = (args.hidden ?? (args.quick ? '1024,1024' : '4096,4096')).split(',').map(Number);
const rounds = Number(args.rounds ?? (args.quick ? 2 : 3));
const budgetMs = Number(args['budget-ms'] ?? (args.quick ? 300 : 1000));

async function main(): Promise<void> {
  const machine = describeMachine();
  const dir = mkdtempSync(join(tmpdir(), 'keelson-bench-optimize-'));
  try {
    await ensureSampleModels(dir);
    const penguins = await readModelVersion(dir, { name: 'penguins', version: '2' });
    if (!penguins.ok) throw new Error(penguins.reason);
    const heavy = buildMlpModel({ name: 'heavy', version: '1', inputSize: io, hidden, outputSize: io, seed: 7 });
    const models = [
      { id: 'penguins:2', description: 'penguins:2, trained MLP 4-16-3 (tanh)', bytes: penguins.bytes, manifest: penguins.manifest },
      { id: 'heavy', description: `random MLP ${[io, ...hidden, io].join('-')} (relu, seed 7)`, bytes: heavy.onnx, manifest: heavy.manifest },
    ];
    const results = [];
    for (const model of models) {
      process.stderr.write(`bench:optimize: ${model.description}\n`);
      results.push({ model: model.id, description: model.description, variants: await benchModel(model.bytes, model.manifest) });
    }
    const targets = evaluateOptimizeTargets(results);
    const command = `npm run bench:optimize${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    const report = { date: new Date().toISOString(), command, machine: { ...describeMachine(), loadAverageAtStart: machine.loadAverageAtStart, loadAverageAtEnd: describeMachine().loadAverageAtStart }, method: { rounds, budgetMsPerLoop: budgetMs, intraOpThreads: 1, comparisonRows: 512 }, results, targets };
    mkdirSync('bench/results', { recursive: true });
    const file = join('bench/results', `optimize-${report.date.slice(0, 10)}${args.quick ? '-quick' : ''}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(formatTable(results, targets));
    process.stdout.write(`load average ${machine.loadAverageAtStart.join(' ')} at start, ${report.machine.loadAverageAtEnd.join(' ')} at end; ${machine.cores} cores (${machine.cpuModel}); wrote ${file}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchModel(bytes: Uint8Array, manifest: ModelManifest): Promise<VariantResult[]> {
  const rows = comparisonRows(manifest, 512);
  const timingRows: ComparisonRows = { ...rows, count: 64, data: rows.data.slice(0, 64 * rows.features) };
  const built = VARIANTS.map((v) => ({ id: v.id, bytes: v.spec ? transformModel(bytes, { ...v.spec, granularity: 'per-channel' }).bytes : bytes }));
  const best = new Map<string, ModelMeasurement>();
  for (let round = 0; round < rounds; round++) {
    for (const variant of built) {
      const measured = await measureModel(variant.bytes, manifest, round === 0 ? rows : timingRows, { budgetMs, intraOpThreads: 1 });
      const previous = best.get(variant.id);
      best.set(variant.id, previous ? { ...previous, singleRowLatencyMs: Math.min(previous.singleRowLatencyMs, measured.singleRowLatencyMs), batch64RowsPerSecond: Math.max(previous.batch64RowsPerSecond, measured.batch64RowsPerSecond) } : measured);
      process.stderr.write(`  round ${round + 1}/${rounds} ${variant.id}: ${Math.round(measured.batch64RowsPerSecond)} rows/s at batch 64, ${measured.singleRowLatencyMs.toFixed(3)} ms per row\n`);
    }
  }
  const fp32 = best.get('fp32') as ModelMeasurement;
  return built.map(({ id }) => {
    const c = compareMeasurements(rows, fp32, best.get(id) as ModelMeasurement, { host: '', cpus: '', loadAverage1m: 0, date: '', intraOpThreads: 1 });
    return { variant: id, fileBytes: c.optimized.fileBytes, singleRowLatencyMs: c.optimized.singleRowLatencyMs, batch64RowsPerSecond: c.optimized.batch64RowsPerSecond, labelAgreement: c.labelAgreement, maxAbsDiff: c.maxAbsDiff, ratios: c.ratios };
  });
}

await main();
