import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startServer, type RunningServer } from '../../service/src/server/start-server.js';
import { actionOf, captureLogger } from './capture-logger.js';
import { expectSchema } from './openapi.js';

const modelsDir = inject('modelsDir');
const ADELIE = [39.1, 18.7, 181, 3750];
const GENTOO = [50, 15.2, 220, 5000];

interface InferBody {
  model_version: string;
  outputs: { name: string; shape: number[]; data: number[] }[];
  error?: string;
}

const infer = async (url: string, version: string, rows: number[][]): Promise<{ status: number; body: InferBody; headers: Headers }> => {
  const res = await fetch(`${url}/v2/models/penguins/versions/${version}/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [rows.length, 4], data: rows }] }),
  });
  return { status: res.status, body: (await res.json()) as InferBody, headers: res.headers };
};
const metricsText = async (server: RunningServer) => (await server.metrics.exposition()).body;
const randomRow = () => [32 + Math.random() * 27, 13 + Math.random() * 9, 172 + Math.random() * 59, 2700 + Math.random() * 3600];

describe('startServer with the sample models (real onnxruntime in worker threads)', () => {
  const log = captureLogger();
  let server: RunningServer;

  beforeAll(async () => {
    server = await startServer({ modelsDir, models: ['penguins:1', 'penguins:2'], port: 0, workers: 1, logger: log.logger, driftWindowRows: 500 });
    expect(await server.loaded).toBe(true);
  });
  afterAll(() => server?.close());

  it('is ready once both versions are loaded and warmed up, and logs it', async () => {
    expect((await fetch(`${server.url}/v2/health/ready`)).status).toBe(200);
    expect(log.lines.filter((l) => actionOf(l) === 'model_loaded')).toHaveLength(2);
    expect(log.lines.some((l) => actionOf(l) === 'ready')).toBe(true);
  });

  it('classifies known penguins with both versions (V2)', async () => {
    for (const version of ['1', '2']) {
      const { status, body } = await infer(server.url, version, [ADELIE, GENTOO]);
      expect(status).toBe(200);
      expectSchema('inference_response', body);
      const label = body.outputs.find((o) => o.name === 'label')!;
      expect(label.data).toEqual([0, 2]);
      const probabilities = body.outputs.find((o) => o.name === 'probabilities')!;
      expect(probabilities.shape).toEqual([2, 3]);
      expect(probabilities.data.slice(0, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('KServe V1 predict with arrays and feature-keyed objects', async () => {
    const res = await fetch(`${server.url}/v1/models/penguins:predict`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ instances: [ADELIE, { bill_length_mm: 50, bill_depth_mm: 15.2, flipper_length_mm: 220, body_mass_g: 5000 }] }),
    });
    expect(await res.json()).toEqual({ model_name: 'penguins', model_version: '2', predictions: ['Adelie', 'Gentoo'] });
  });

  it('exports model metrics after real traffic', async () => {
    await infer(server.url, '2', Array.from({ length: 150 }, randomRow));
    const text = await metricsText(server);
    expect(text).toMatch(/model_info\{model="penguins",version="2",sha256="[0-9a-f]{64}"\} 1/);
    expect(text).toContain('model_ready{model="penguins",version="1"} 1');
    expect(text).toMatch(/model_inference_duration_seconds_count\{model="penguins",version="2"\} [1-9]/);
    expect(text).toMatch(/model_queue_duration_seconds_count\{model="penguins",version="2"\} [1-9]/);
    expect(text).toMatch(/model_batch_size_count\{model="penguins",version="2"\} [1-9]/);
    expect(text).toMatch(/model_predictions_total\{model="penguins",version="2",label="(Adelie|Chinstrap|Gentoo)"\} \d+/);
    for (const feature of ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g']) {
      expect(text).toMatch(new RegExp(`model_input_drift_psi\\{model="penguins",version="2",feature="${feature}"\\} [0-9.e-]+`));
    }
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });

  it('merges concurrent requests into batches with results identical to unbatched runs', async () => {
    const rows = Array.from({ length: 24 }, randomRow);
    const alone = [];
    for (const r of rows) alone.push(await infer(server.url, '2', [r])); // sequential: each runs alone
    const before = await metricsText(server);
    const together = await Promise.all(rows.map((r) => infer(server.url, '2', [r])));
    expect(together.map((r) => r.body.outputs)).toEqual(alone.map((r) => r.body.outputs));
    // Batching really happened: fewer batches than requests.
    const batches = (text: string) => Number(/model_batch_size_count\{model="penguins",version="2"\} (\d+)/.exec(text)![1]);
    expect(batches(await metricsText(server)) - batches(before)).toBeLessThan(rows.length);
  });
});

describe('startServer: refusals and options', () => {
  it('refuses a version whose sha256 does not match (sample v6), stays not ready, serves the rest', async () => {
    const log = captureLogger();
    const server = await startServer({ modelsDir, models: ['penguins:2', 'penguins:6'], port: 0, workers: 1, logger: log.logger });
    try {
      expect(await server.loaded).toBe(false);
      const ready = await fetch(`${server.url}/v2/health/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { error: string }).error).toMatch(/penguins:6 failed: sha256 mismatch/);
      const refused = log.lines.find((l) => actionOf(l) === 'model_refused');
      expect(refused).toMatchObject({ 'log.level': 'error', keelson: { model: 'penguins', version: '6', reason: expect.stringMatching(/^sha256 mismatch: model.json expects [0-9a-f]{64}, model.onnx has [0-9a-f]{64}$/) } });
      expect((await infer(server.url, '6', [ADELIE])).status).toBe(503);
      expect((await infer(server.url, '2', [ADELIE])).status).toBe(200);
      expect(await metricsText(server)).toContain('model_ready{model="penguins",version="6"} 0');
    } finally {
      await server.close();
    }
  });

  it('the incompatible version (sample v5) loads, and clients sending the old signature get a 400 naming the new one', async () => {
    const server = await startServer({ modelsDir, models: ['penguins:5'], port: 0, workers: 1, logger: captureLogger().logger });
    try {
      expect(await server.loaded).toBe(true);
      const { status, body } = await infer(server.url, '5', [ADELIE]);
      expect(status).toBe(400);
      expect(body.error).toMatch(/inputs\[0\]\.name: model "penguins" version 5 has no input "features"; expected "x"/);
      const v1 = await fetch(`${server.url}/v1/models/penguins:predict`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ instances: [ADELIE] }) });
      expect(v1.status).toBe(400);
      expect(((await v1.json()) as { error: string }).error).toMatch(/instances\[0\]: has 4 values, expected 5/);
    } finally {
      await server.close();
    }
  });

  it('serves /metrics and the health probes on --metrics-port too', async () => {
    const server = await startServer({ modelsDir, models: ['penguins:1'], port: 0, metricsPort: 0, workers: 1, logger: captureLogger().logger });
    try {
      await server.loaded;
      const res = await fetch(`${server.metricsUrl}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('model_ready{model="penguins",version="1"} 1');
      expect(await (await fetch(`${server.metricsUrl}/v2/health/live`)).json()).toEqual({ live: true });
      await expect.poll(async () => (await fetch(`${server.metricsUrl}/v2/health/ready`)).status).toBe(200);
      expect((await fetch(`${server.metricsUrl}/v2/models/penguins/infer`, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${server.metricsUrl}/nope`)).status).toBe(404);
      const closing = server.close();
      // draining: the probe port says not ready until the drain is over
      const draining = await fetch(`${server.metricsUrl}/v2/health/ready`).then(async (r) => ({ status: r.status, body: await r.json() }), () => undefined);
      if (draining) expect(draining).toEqual({ status: 503, body: { ready: false, error: 'the server is shutting down' } });
      await closing;
    } finally {
      await server.close();
    }
  });

  it('rejects bad configuration with messages naming the flag', async () => {
    await expect(startServer({ modelsDir, models: ['penguins:9'], port: 0 })).rejects.toThrow(/--model penguins:9: no such version .* \(found: 1, 2, 3, 4, 5, 6\)/);
    await expect(startServer({ modelsDir, models: ['nope'], port: 0 })).rejects.toThrow(/--model nope: no such model/);
    await expect(startServer({ modelsDir, models: ['../etc'], port: 0 })).rejects.toThrow(/--model "..\/etc": expected NAME or NAME:VERSION/);
    await expect(startServer({ modelsDir: '/nonexistent-dir', port: 0 })).rejects.toThrow(/--models \/nonexistent-dir: cannot read the model repository/);
    await expect(startServer({ modelsDir, port: 0, workers: 512, intraOpThreads: 2 })).rejects.toThrow(/--workers 512 × --intra-op-threads 2 = 1024 threads exceeds the \d+ available cores/);
  });
});
