import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../service/src/server/start-server.js';
import { actionOf, captureLogger } from './capture-logger.js';

const modelsDir = inject('modelsDir');
const ROW = [39.1, 18.7, 181, 3750];

const infer = async (url: string, version: string, row = ROW) => {
  const res = await fetch(`${url}/v2/models/penguins/versions/${version}/infer`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: row }] }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error?: string; outputs?: unknown } };
};

const metric = async (server: RunningServer, pattern: RegExp): Promise<number> => {
  const match = pattern.exec((await server.metrics.exposition()).body);
  return match ? Number(match[1]) : 0;
};

async function withServer(options: Partial<ServerOptions>, run: (server: RunningServer, lines: Record<string, unknown>[]) => Promise<void>): Promise<void> {
  const log = captureLogger();
  const server = await startServer({ modelsDir, port: 0, workers: 1, logger: log.logger, ...options });
  try {
    expect(await server.loaded).toBe(true);
    await run(server, log.lines);
  } finally {
    await server.close();
  }
}

describe('inference off the event loop', () => {
  it('health answers while the slow model (v3) keeps the worker busy', async () => {
    await withServer({ models: ['penguins:3'], maxBatchSize: 0 }, async (server) => {
      const runs = 10;
      let pending = runs;
      const inferences = Array.from({ length: runs }, () => infer(server.url, '3').finally(() => pending--));
      // Were runs on the event loop, a probe could only slip in between two runs (about one per run); in a
      // worker, probes keep answering while each run computes. Counting, not timing, keeps this robust.
      let probes = 0;
      while (pending > 0 && probes < 10_000) {
        const res = await fetch(`${server.url}/v2/health/ready`);
        expect(res.status).toBe(200);
        if (pending > 0) probes++;
      }
      const results = await Promise.all(inferences);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(probes).toBeGreaterThanOrEqual(3 * runs);
    });
  });
});

describe('backpressure', () => {
  it('a full queue answers 503 with Retry-After at once; the others succeed', async () => {
    await withServer({ models: ['penguins:3'], maxBatchSize: 0, maxQueueSize: 2 }, async (server) => {
      const results = await Promise.all(Array.from({ length: 12 }, () => infer(server.url, '3')));
      const rejected = results.filter((r) => r.status === 503);
      expect(rejected.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(3);
      expect(results.every((r) => r.status === 200 || r.status === 503)).toBe(true);
      for (const r of rejected) {
        expect(r.retryAfter).toBe('1');
        expect(r.body.error).toMatch(/queue of model penguins:3 is full \(2 requests waiting\)/);
      }
      expect(await metric(server, /model_inference_requests_total\{model="penguins",version="3",outcome="server_error"\} (\d+)/)).toBe(rejected.length);
    });
  });

  it('the request timeout answers 503/504 with a clear error instead of hanging', async () => {
    await withServer({ models: ['penguins:3'], maxBatchSize: 0, requestTimeoutMs: 20 }, async (server) => {
      const results = await Promise.all(Array.from({ length: 6 }, () => infer(server.url, '3')));
      const late = results.filter((r) => r.status !== 200);
      expect(late.length).toBeGreaterThan(0);
      for (const r of late) {
        expect([503, 504]).toContain(r.status);
        expect(r.body.error).toMatch(/request timeout of 20 ms|waited 20 ms in the queue/);
      }
    });
  });
});

describe('prediction cache', () => {
  it('hits return identical outputs without running the model, and never cross versions', async () => {
    await withServer({ models: ['penguins:1', 'penguins:2'], cacheBytes: 1024 * 1024 }, async (server) => {
      const computed = () => metric(server, /model_inference_duration_seconds_count\{model="penguins",version="2"\} (\d+)/);
      const first = await infer(server.url, '2');
      const runs = await computed();
      const second = await infer(server.url, '2');
      expect(second.body).toEqual(first.body);
      expect(await computed()).toBe(runs);
      const other = await infer(server.url, '1');
      expect(other.status).toBe(200);
      expect(other.body.outputs).not.toEqual(first.body.outputs);
      const text = (await server.metrics.exposition()).body;
      expect(text).toContain('model_cache_requests_total{model="penguins",version="2",result="miss"} 1');
      expect(text).toContain('model_cache_requests_total{model="penguins",version="2",result="hit"} 1');
      expect(text).toContain('model_cache_requests_total{model="penguins",version="1",result="miss"} 1');
      expect(text).not.toContain('model_cache_requests_total{model="penguins",version="1",result="hit"}');
    });
  });
});

describe('worker crashes', () => {
  it('a crashed worker fails its requests with 503 and is replaced', async () => {
    await withServer({ models: ['penguins:3'], maxBatchSize: 0 }, async (server, lines) => {
      const before = server.pool.workerIds();
      const inFlight = [infer(server.url, '3'), infer(server.url, '3')];
      for (let i = 0; i < 200 && server.pool.pendingJobs() === 0; i++) await new Promise((r) => setTimeout(r, 5));
      server.pool.crashWorker(0); // dies at the end of the run in progress, before answering it
      const results = await Promise.all(inFlight);
      const crashed = results.filter((r) => r.status === 503);
      expect(crashed.length).toBeGreaterThan(0);
      expect(crashed[0]!.body.error).toMatch(/crashed/);
      expect(lines.some((l) => actionOf(l) === 'worker_crashed')).toBe(true);
      let recovered = false;
      for (let i = 0; i < 100 && !recovered; i++) {
        recovered = (await infer(server.url, '3')).status === 200;
        if (!recovered) await new Promise((r) => setTimeout(r, 100));
      }
      expect(recovered).toBe(true);
      expect(server.pool.workerIds()).not.toEqual(before);
      expect(lines.some((l) => actionOf(l) === 'worker_replaced')).toBe(true);
    });
  });
});
