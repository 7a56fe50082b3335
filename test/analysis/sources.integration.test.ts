import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from '../../steps/ports.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createJudge, createPrometheusSource, createScrapeSource, type MetricSource, type Snapshot } from '../../analysis/index.js';
import { requireTool } from '../helpers/tools.js';
import { killIfRunning, spawnKeelson, waitFor200, type KeelsonProcess } from '../service/serve-process.js';

/**
 * The metric sources against the real thing: two `keelson serve` processes (baseline penguins:2, canary penguins:5,
 * whose input signature real clients do not match) and, where installed, a real Prometheus scraping both with
 * `variant` labels.
 */
const modelsDir = inject('modelsDir');
const processes: KeelsonProcess[] = [];
let prometheus: ChildProcess | undefined;
let scratch: string | undefined;
let baselineUrl = '';
let canaryUrl = '';

// Rows of the penguins data (one per species), so the baseline predicts more than one class.
const ROWS = [
  [39.1, 18.7, 181, 3750],
  [46.5, 17.9, 192, 3500],
  [46.1, 13.2, 211, 4500],
];

/** Sends `count` inference requests (8 at a time) and returns their status codes. */
async function traffic(url: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 8) {
    const batch = Array.from({ length: Math.min(8, count - i) }, (_, j) =>
      fetch(`${url}/v2/models/penguins/infer`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: ROWS[(i + j) % ROWS.length] }] }),
      }).then((r) => r.status),
    );
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}

/** Polls the source until `done` holds for a snapshot (bounded: about a minute). */
async function snapshotWhen(source: MetricSource, done: (s: Snapshot) => boolean): Promise<Snapshot> {
  let last: Snapshot | undefined;
  for (let i = 0; i < 120; i++) {
    last = await source.snapshot(i);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the source never produced the expected snapshot; last: ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  const start = async (version: string): Promise<string> => {
    const server = spawnKeelson(['serve', '--models', modelsDir, '--model', `penguins:${version}`, '--port', '0']);
    processes.push(server);
    const url = await server.listening;
    await waitFor200(`${url}/v2/health/ready`);
    return url;
  };
  [baselineUrl, canaryUrl] = await Promise.all([start('2'), start('5')]);
}, 180_000);

afterAll(() => {
  processes.forEach(killIfRunning);
  if (prometheus && prometheus.exitCode === null) prometheus.kill('SIGKILL');
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('scrape source against the real service', () => {
  it('counts requests, client errors, latency and predictions per arm since its first snapshot; the judge rolls back the incompatible canary', { timeout: 180_000 }, async () => {
    await traffic(baselineUrl, 5); // traffic before the analysis starts must not count
    const source = createScrapeSource({ baselineUrl, canaryUrl, model: 'penguins' });
    const judge = createJudge();
    const origin = await source.snapshot(0);
    expect(origin.baseline).toMatchObject({ requests: 0, errors: 0 });
    expect(judge.evaluate(origin).decision).toBe('continue');

    const [baselineStatuses, canaryStatuses] = await Promise.all([traffic(baselineUrl, 120), traffic(canaryUrl, 120)]);
    expect(new Set(baselineStatuses)).toEqual(new Set([200]));
    expect(new Set(canaryStatuses)).toEqual(new Set([400]));

    const snapshot = await source.snapshot(10);
    const { baseline, canary } = snapshot;
    expect(baseline).toMatchObject({ requests: 120, errors: 0 });
    expect(baseline!.latency.count).toBe(120);
    expect(baseline!.latency.buckets.length).toBeGreaterThan(3);
    expect(Object.values(baseline!.predictions).reduce((a, b) => a + b, 0)).toBe(120);
    expect(Object.keys(baseline!.predictions).length).toBeGreaterThanOrEqual(2);
    expect(canary).toMatchObject({ requests: 120, errors: 120 });

    const verdict = judge.evaluate(snapshot);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons.join('\n')).toMatch(/canary error rate 100% vs baseline 0%/);
  });

  it('an arm that cannot be scraped is "no data": the judge continues, and never promotes at the end', { timeout: 60_000 }, async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    // A refused connection fails at once; the timeout only has to outlast a loaded machine's scrape of the live arm.
    const source = createScrapeSource({ baselineUrl, canaryUrl: closed, timeoutMs: 15_000 });
    const judge = createJudge();
    const snapshot = await source.snapshot(0);
    expect(snapshot.baseline).not.toBeNull();
    expect(snapshot.canary).toBeNull();
    expect(judge.evaluate(snapshot).reasons[0]).toMatch(/no data from canary at t=0 \(canary: GET http:\/\/127\.0\.0\.1:\d+\/metrics: fetch failed: connect ECONNREFUSED/);
    expect(judge.evaluate(await source.snapshot(1), { final: true }).decision).toBe('rollback');
  });
});

describe('Prometheus source against a real Prometheus', () => {
  it('queries both arms by their variant label and gets the same counts the services saw', { timeout: 240_000 }, async (ctx) => {
    if (!requireTool('prometheus')) return ctx.skip();
    scratch = mkdtempSync(join(tmpdir(), 'keelson-prometheus-'));
    const target = (url: string): string => new URL(url).host;
    writeFileSync(
      join(scratch, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        'scrape_configs:',
        '  - job_name: keelson',
        '    static_configs:',
        `      - targets: ['${target(baselineUrl)}']`,
        '        labels: { variant: baseline }',
        `      - targets: ['${target(canaryUrl)}']`,
        '        labels: { variant: canary }',
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheus = spawn(
      'prometheus',
      [`--config.file=${join(scratch, 'prometheus.yml')}`, `--storage.tsdb.path=${join(scratch, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const url = `http://127.0.0.1:${port}`;
    await waitFor200(`${url}/-/ready`, 600);

    const source = createPrometheusSource({ url, model: 'penguins' });
    // Both arms have served traffic already (previous tests), so both have series once scraped.
    const origin = await snapshotWhen(source, (s) => s.baseline !== null && s.canary !== null);
    const judge = createJudge();
    judge.evaluate(origin);
    await Promise.all([traffic(baselineUrl, 150), traffic(canaryUrl, 150)]);
    const snapshot = await snapshotWhen(source, (s) => s.baseline?.requests === 150 && s.canary?.requests === 150);
    expect(snapshot.baseline).toMatchObject({ requests: 150, errors: 0 });
    expect(snapshot.baseline!.latency.count).toBe(150);
    expect(Object.values(snapshot.baseline!.predictions).reduce((a, b) => a + b, 0)).toBe(150);
    expect(snapshot.canary).toMatchObject({ requests: 150, errors: 150 });
    const verdict = judge.evaluate(snapshot);
    expect(verdict.decision).toBe('rollback');
    expect(verdict.reasons.join('\n')).toMatch(/canary error rate 100% vs baseline 0%/);

    // A wrong arm label finds no series: no data, never a pass.
    const mislabelled = createPrometheusSource({ url, model: 'penguins', armLabel: 'track' });
    expect(await mislabelled.snapshot(0)).toMatchObject({ t: 0, baseline: null, canary: null, missing: { canary: expect.stringMatching(/no series with track="canary"/) } });
  });
});
