import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { killIfRunning, spawnKeelson, waitFor200, type KeelsonProcess } from './serve-process.js';

// `keelson serve --http-workers 2`: two serving processes on one port behind the cluster primary, one /metrics view.
const modelsDir = inject('modelsDir');
const ROW = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [39.1, 18.7, 181, 3750] }] });

let server: KeelsonProcess;
let url = '';
let metricsUrl = '';

/** One request on a connection of its own, so the primary's round robin spreads them over the processes. */
const inferOnNewConnection = (): Promise<number> => new Promise((resolve, reject) => {
  const req = request(`${url}/v2/models/penguins/infer`, { method: 'POST', agent: false, headers: { 'content-type': 'application/json', connection: 'close' } }, (res) => {
    res.resume();
    res.on('end', () => resolve(res.statusCode ?? 0));
  });
  req.on('error', reject);
  req.end(ROW);
});
const sample = (text: string, pattern: RegExp): number => Number(pattern.exec(text)?.[1] ?? NaN);
const pidsOf = (action: string) => new Set(server.lines.filter((l) => (l.event as { action?: string } | undefined)?.action === action).map((l) => l['process.pid']));

beforeAll(async () => {
  server = spawnKeelson(['serve', '--models', modelsDir, '--model', 'penguins:2', '--port', '0', '--metrics-port', '0', '--http-workers', '2', '--workers', '1']);
  url = await server.listening;
  await waitFor200(`${url}/v2/health/ready`);
  for (let i = 0; i < 300 && pidsOf('ready').size < 2; i++) await new Promise((r) => setTimeout(r, 100));
  metricsUrl = (server.lines.find((l) => (l.keelson as { metricsUrl?: string } | undefined)?.metricsUrl)?.keelson as { metricsUrl: string }).metricsUrl;
}, 60_000);
afterAll(() => killIfRunning(server));

describe('keelson serve --http-workers 2', () => {
  it('serves from two processes on one port, and /metrics on either port counts every request once', async () => {
    expect(pidsOf('listening').size).toBe(2);
    const statuses = await Promise.all(Array.from({ length: 40 }, inferOnNewConnection));
    expect(statuses.every((s) => s === 200)).toBe(true);
    await new Promise((r) => setTimeout(r, 200)); // access log lines are written once per event-loop turn
    const served = server.lines.filter((l) => (l.event as { action?: string }).action === 'http_request' && (l.url as { path?: string }).path === '/v2/models/penguins/infer');
    expect(new Set(served.map((l) => l['process.pid'])).size).toBe(2);
    for (const base of [url, metricsUrl]) {
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(sample(text, /^http_requests_total\{method="POST",route="\/v2\/models\/:model\/infer",code="200"\} (\d+)/m), base).toBe(40);
      expect(sample(text, /^model_inference_requests_total\{model="penguins",version="2",outcome="success"\} (\d+)/m)).toBe(40);
      expect(sample(text, /^model_batch_size_sum\{model="penguins",version="2"\} (\d+)/m)).toBeGreaterThanOrEqual(40); // warm-up rows too
      expect(sample(text, /^model_ready\{model="penguins",version="2"\} (\d+)/m)).toBe(1);
      expect(sample(text, /^model_info\{model="penguins",version="2",sha256="[0-9a-f]+"\} (\d+)/m)).toBe(1);
    }
  });

  it('replaces a serving process that dies, and keeps serving meanwhile', async () => {
    const victim = [...pidsOf('listening')][0] as number;
    process.kill(victim, 'SIGKILL');
    for (let i = 0; i < 300 && pidsOf('listening').size < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(server.lines.some((l) => (l.event as { action?: string }).action === 'http_worker_exited')).toBe(true);
    expect(pidsOf('listening').size).toBe(3);
    // While the replacement loads its models it answers 503 on the connections it is handed; once ready, all serve.
    for (let i = 0; i < 300 && pidsOf('ready').size < 3; i++) await new Promise((r) => setTimeout(r, 100));
    expect(pidsOf('ready').size).toBe(3);
    const statuses = await Promise.all(Array.from({ length: 10 }, inferOnNewConnection));
    expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
  }, 60_000);

  it('drains both processes on SIGTERM and exits 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(pidsOf('stopped').size).toBe(2);
  }, 30_000);
});
