import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelGraph } from '../../optimize/graph/model-graph.js';
import { dimsOf } from '../../optimize/graph/tensors.js';
import { optimizeVersion, type OptimizedManifest } from '../../optimize/optimize-version.js';
import type { TransformSpec } from '../../optimize/transform.js';
import { readModelVersion } from '../../service/src/repository/read-version.js';
import { signatureProblems } from '../../service/src/models/signature-check.js';
import { createOnnxSession } from '../../service/src/runtime/onnx-session.js';
import { loadPenguins } from '../../tools/penguins.js';
import { killIfRunning, spawnKeelson, waitFor200 } from '../service/serve-process.js';
import { scratchRepository } from './helpers.js';

const BIN = fileURLToPath(new URL('../../bin/keelson.mjs', import.meta.url));
const spec = (extra: Partial<TransformSpec>): TransformSpec => ({ granularity: 'per-channel', reduceRange: true, ...extra });
const quick = { rows: 256, budgetMs: 20, intraOpThreads: 1 };

let dir: string;
beforeAll(() => {
  dir = scratchRepository();
});

const optimize = (model: string, as: string, extra: Partial<TransformSpec>) => {
  const [name = '', version = ''] = model.split(':');
  return optimizeVersion({ modelsDir: dir, name, version, as, spec: spec(extra), ...quick });
};

/** Loads a version the way `keelson serve` does: verified sha256, a session, the graph checked against model.json. */
async function loadLikeServe(name: string, version: string): Promise<string[]> {
  const files = await readModelVersion(dir, { name, version });
  if (!files.ok) return [files.reason];
  const session = await createOnnxSession(files.bytes, { intraOpNumThreads: 1 });
  await session.release();
  return signatureProblems(files.manifest, session.signature);
}

describe('keelson models optimize on penguins 2 (a trained 4-16-3 tanh MLP)', () => {
  it.each([
    ['int8', '10', 0.99, 0.1],
    ['int8-weights', '11', 0.99, 0.1],
    ['fp16', '12', 0.999, 0.01],
  ] as const)('%s: label agreement and output difference within tolerance on the reference rows', { timeout: 60_000 }, async (quantize, as, agreement, maxAbs) => {
    const result = await optimize('penguins:2', as, { quantize });
    const { comparison, lineage } = result.manifest;
    expect(comparison.labelAgreement).toBeGreaterThanOrEqual(agreement);
    expect(comparison.maxAbsDiff).toBeLessThan(maxAbs);
    expect(comparison.maxAbsDiff).toBeGreaterThan(0); // something did change
    expect(comparison.rows).toEqual({ count: 256, source: 'manifest reference bins', seed: 1 });
    const source = JSON.parse(readFileSync(join(dir, 'penguins', '2', 'model.json'), 'utf8')) as { sha256: string };
    expect(lineage).toMatchObject({ source: { name: 'penguins', version: '2', sha256: source.sha256 }, transform: quantize, parameters: { quantize, granularity: 'per-channel' } });
    expect(await loadLikeServe('penguins', as)).toEqual([]);
  });

  it('int8 agrees with the source on ≥ 99% of the real penguins table too', { timeout: 60_000 }, async () => {
    await optimize('penguins:2', '13', { quantize: 'int8' });
    const rows = loadPenguins();
    const feeds = { features: { datatype: 'FP32' as const, shape: [rows.length, 4], data: Float32Array.from(rows.flatMap((p) => p.features)) } };
    const labels = async (version: string) => {
      const files = await readModelVersion(dir, { name: 'penguins', version });
      if (!files.ok) throw new Error(files.reason);
      const session = await createOnnxSession(files.bytes, { intraOpNumThreads: 1 });
      const out = await session.run(feeds);
      await session.release();
      return Array.from(out.label!.data as BigInt64Array, Number);
    };
    const [a, b] = [await labels('2'), await labels('13')];
    const agree = a.filter((label, i) => label === b[i]).length / a.length;
    expect(rows.length).toBeGreaterThan(300);
    expect(agree).toBeGreaterThanOrEqual(0.99);
  });
});

describe('an optimized version served by keelson serve (a real process)', () => {
  it('int8 penguins answers an OIP request with the same species as the source for a known penguin', { timeout: 60_000 }, async () => {
    await optimize('penguins:2', '14', { quantize: 'int8' });
    const server = spawnKeelson(['serve', '--models', dir, '--model', 'penguins:2', '--model', 'penguins:14', '--port', '0', '--workers', '1']);
    try {
      const url = await server.listening;
      await waitFor200(`${url}/v2/health/ready`);
      const body = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [39.1, 18.7, 181, 3750, 46.5, 13.5, 210, 4550] }] });
      const label = async (version: string) => {
        const response = await fetch(`${url}/v2/models/penguins/versions/${version}/infer`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
        expect(response.status).toBe(200);
        const json = (await response.json()) as { outputs: { name: string; data: number[] }[] };
        return json.outputs.find((o) => o.name === 'label')!.data;
      };
      expect(await label('14')).toEqual([0, 2]); // Adelie, Gentoo
      expect(await label('2')).toEqual([0, 2]);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      killIfRunning(server);
    }
  });
});

describe('keelson models optimize on a generated MLP (8-256-128-4 relu)', () => {
  it('int8-weights stores the weights in about a quarter of the bytes', { timeout: 60_000 }, async () => {
    const { manifest } = await optimize('mlp:1', '2', { quantize: 'int8-weights' });
    expect(manifest.comparison.ratios.fileSize).toBeLessThanOrEqual(0.3);
    expect(manifest.comparison.labelAgreement).toBeGreaterThanOrEqual(0.97);
  });

  it('pruning 50% halves every hidden layer and the matrices shrink; pruning + int8 records both steps', { timeout: 60_000 }, async () => {
    const pruned = await optimize('mlp:1', '3', { prune: 0.5 });
    expect(pruned.manifest.lineage.parameters.prunedLayers?.map((l) => [l.before, l.after])).toEqual([[256, 128], [128, 64]]);
    const graph = ModelGraph.decode(readFileSync(join(dir, 'mlp', '3', 'model.onnx')));
    expect(['layer0_weights', 'layer1_weights', 'layer2_weights'].map((n) => dimsOf(graph.initializers.get(n)!))).toEqual([[8, 128], [128, 64], [64, 4]]);
    expect(pruned.manifest.comparison.ratios.fileSize).toBeLessThan(0.4);
    const both = await optimize('mlp:1', '4', { prune: 0.5, quantize: 'int8' });
    expect(both.manifest.lineage.transform).toBe('prune-0.5+int8');
    expect(await loadLikeServe('mlp', '4')).toEqual([]);
  });

  it('the written versions pass keelson models list --check (a real process)', { timeout: 60_000 }, async () => {
    await optimize('mlp:1', '5', { quantize: 'fp16' });
    const list = spawnSync(process.execPath, [BIN, 'models', 'list', '--models', dir, '--check'], { encoding: 'utf8', timeout: 30_000 });
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    expect(list.stdout).toMatch(/mlp:5\s+ok\s+-\s+fp16 of mlp:1/);
  });
});

describe('the CLI', () => {
  it('writes the next free version, prints the side-by-side table and leaves no staging directory', { timeout: 60_000 }, async () => {
    const run = spawnSync(process.execPath, [BIN, 'models', 'optimize', '--models', dir, '--model', 'penguins:1', '--quantize', 'int8', '--rows', '128', '--measure-ms', '20'], { encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const versions = readdirSync(join(dir, 'penguins'));
    const written = String(Math.max(...versions.filter((v) => /^\d+$/.test(v)).map(Number)));
    expect(run.stderr).toContain(`wrote ${join(dir, 'penguins', written)} (int8 of penguins:1)`);
    expect(run.stdout).toMatch(/batch-64 throughput\s+\d+ rows\/s\s+\d+ rows\/s/);
    expect(run.stdout).toMatch(/label agreement \d+\.\d+% on 128 rows/);
    expect(versions.filter((v) => v.startsWith('.'))).toEqual([]);
    const manifest = JSON.parse(readFileSync(join(dir, 'penguins', written, 'model.json'), 'utf8')) as OptimizedManifest;
    expect(manifest.lineage.source.version).toBe('1');
  });

  it('refuses a version that exists, a bad ratio and a missing transform, exit 2, writing nothing', { timeout: 60_000 }, () => {
    const before = readdirSync(join(dir, 'penguins')).sort();
    const cases: [string[], RegExp][] = [
      [['--quantize', 'int8', '--as', '2'], /--as 2: .* already exists/],
      [['--prune', '1.5'], /--prune 1\.5: expected a fraction between 0 and 1/],
      [[], /nothing to do: give --quantize/],
      [['--quantize', 'int4'], /--quantize int4: expected one of int8, int8-weights, fp16/],
    ];
    for (const [args, message] of cases) {
      const run = spawnSync(process.execPath, [BIN, 'models', 'optimize', '--models', dir, '--model', 'penguins:2', ...args], { encoding: 'utf8', timeout: 30_000 });
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
    }
    expect(readdirSync(join(dir, 'penguins')).sort()).toEqual(before);
    expect(existsSync(join(dir, 'penguins', '2', 'model.onnx'))).toBe(true);
  });
});
