/**
 * Every PromQL expression of every dashboard and rule, executed by a real Prometheus that scrapes two real
 * `keelson serve` processes under traffic (stable penguins:1 and canary penguins:2, told apart by the
 * `variant` target label), a dcgm-exporter page and a rollout exporter following the README contract.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { INFER_ROUTE_TEMPLATES } from '../../contract/routes.js';
import { CLUSTER_ONLY_PANELS } from '../../dashboards/canary-cluster.js';
import { buildDashboards, buildRuleGroups, DEFAULT_DASHBOARD_OPTIONS, renderRuleFile } from '../../dashboards/index.js';
import { requireTool } from '../helpers/tools.js';
import { dashboardQueries, interpolate as interpolateWith, ruleQueries, type FoundQuery } from './helpers/dashboard-queries.js';
import { rolloutExposition, serveExpositions } from './helpers/exporters.js';
import { freePort, startProcess, waitForOk, type Started } from './helpers/processes.js';
import { hasFiniteValue, startPrometheus, waitForData, type RunningPrometheus } from './helpers/prometheus.js';
import { startTraffic, type Traffic } from './helpers/traffic.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const hasPrometheus = requireTool('prometheus');

/** What Grafana would substitute: "All" for the filters, the stable instances as the canary's comparison arm. */
const VARIABLES: Record<string, string> = {
  __rate_interval: '20s',
  namespace: '.*',
  model: '.*',
  version: '.*',
  node: '.*',
  pod: '.*',
  baseline: 'stable',
};

const interpolate = (expr: string) => interpolateWith(expr, VARIABLES);

const dashboards = buildDashboards();
const rules = buildRuleGroups();
const queries: FoundQuery[] = [...dashboards.flatMap(dashboardQueries), ...ruleQueries(rules)];
/**
 * Panels that must show data: every dashboard's (the GPU ones from the DCGM page, the logs ones from the traffic),
 * except the canary dashboard's Argo Rollouts panels, which live-cluster-prometheus.test.ts feeds.
 */
const clusterOnly = new Set<string>(CLUSTER_ONLY_PANELS);
const mustHaveData = (q: FoundQuery) => (q.kind === 'panel' && !clusterOnly.has(q.where)) || q.kind === 'variable';
type Sample = { metric: Record<string, string>; value: [number, string] };
const label = (q: FoundQuery) => `${q.dashboard} / ${q.where}: ${q.expr.slice(0, 90)}`;

describe.skipIf(!hasPrometheus)('dashboards and rules against a real Prometheus scraping the real service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-prom-'));
  const services: Started[] = [];
  let exporters: Awaited<ReturnType<typeof serveExpositions>> | undefined;
  let prometheus: RunningPrometheus | undefined;
  let traffic: Traffic | undefined;
  const instances: { variant: string; version: string; port: number }[] = [];

  beforeAll(async () => {
    const modelsDir = inject('modelsDir');
    for (const [variant, version] of [['stable', '1'], ['canary', '2']] as const) {
      const port = await freePort();
      const started = startProcess(
        process.execPath,
        ['bin/keelson.mjs', 'serve', '--models', modelsDir, '--model', `penguins:${version}`, '--host', '127.0.0.1', '--port', String(port), '--workers', '1', '--cache-bytes', '1MiB'],
        repoRoot,
      );
      services.push(started);
      instances.push({ variant, version, port });
    }
    await Promise.all(instances.map((inst, i) => waitForOk(`http://127.0.0.1:${inst.port}/v2/health/ready`, services[i], 120_000)));
    exporters = await serveExpositions({
      '/dcgm/metrics': readFileSync(join(import.meta.dirname, 'fixtures', 'dcgm-exporter.prom'), 'utf8'),
      '/rollout/metrics': rolloutExposition({ stable: 50, baseline: 25, canary: 25 }, 'r-dashboards-test', 'continue'),
    });
    writeFileSync(join(dir, 'rules.yaml'), renderRuleFile(rules));
    prometheus = await startPrometheus(dir, [
      { job: 'keelson', targets: instances.map((inst) => ({ target: `127.0.0.1:${inst.port}`, labels: { variant: inst.variant } })) },
      { job: 'dcgm-exporter', metricsPath: '/dcgm/metrics', honorLabels: true, targets: [{ target: exporters.host }] },
      { job: 'keelson-rollout', metricsPath: '/rollout/metrics', targets: [{ target: exporters.host }] },
    ], 'rules.yaml');
    traffic = startTraffic(instances.map((inst) => ({ baseUrl: `http://127.0.0.1:${inst.port}`, version: inst.version })));
    const missing = await waitForData(prometheus, queries.filter(mustHaveData).map((q) => interpolate(q.expr)), 150_000);
    if (missing.length > 0) console.warn(`still without data after 150 s:\n${missing.join('\n')}`);
  }, 360_000);

  afterAll(async () => {
    await traffic?.stop();
    await prometheus?.process.stop();
    await Promise.all(services.map((s) => s.stop()));
    await exporters?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('loads the generated rule groups and scrapes every target', async () => {
    const response = await fetch(`${prometheus!.url}/api/v1/rules`);
    const body = (await response.json()) as { data: { groups: { name: string; rules: { health: string; lastError?: string; name: string }[] }[] } };
    expect(body.data.groups.map((g) => g.name).sort()).toEqual(rules.groups.map((g) => g.name).sort());
    for (const rule of body.data.groups.flatMap((g) => g.rules)) expect(rule.health, `${rule.name}: ${rule.lastError ?? ''}`).toBe('ok');
    const up = await prometheus!.query('up');
    expect((up.result as { value: [number, string] }[]).map((s) => s.value[1])).toEqual(['1', '1', '1', '1']);
    expect(traffic!.statuses.get(200) ?? 0).toBeGreaterThan(50);
    expect(traffic!.statuses.get(400) ?? 0).toBeGreaterThan(0);
  });

  it.each(queries.map((q) => [label(q), q] as const))('%s', async (_name, q) => {
    const result = await prometheus!.query(interpolate(q.expr));
    expect(result.error, `Prometheus refused: ${interpolate(q.expr)}`).toBeUndefined();
    expect(result.status).toBe('success');
    if (mustHaveData(q)) expect(hasFiniteValue(result), `no data for ${interpolate(q.expr)}`).toBe(true);
  });

  it('shows what the service and the exporters actually report', async () => {
    const values = async (expr: string, key: (metric: Record<string, string>) => string) =>
      Object.fromEntries(((await prometheus!.query(expr)).result as Sample[]).map((s) => [key(s.metric), Number(s.value[1])]));
    expect(await values('max by (variant) (keelson_rollout_weight)', (m) => m.variant)).toEqual({ stable: 50, baseline: 25, canary: 25 });
    const rates = await values('sum by (variant) (rate(http_requests_total{route="/v2/models/:model/infer"}[20s]))', (m) => m.variant);
    expect(Object.keys(rates).sort()).toEqual(['canary', 'stable']);
    // The SLIs count exactly the routes the service labels as inference routes.
    const routes = await values(`sum by (route) (http_requests_total{route=~"${DEFAULT_DASHBOARD_OPTIONS.inferRouteRegex}", code="200"})`, (m) => m.route);
    expect(Object.keys(routes).sort()).toEqual([...INFER_ROUTE_TEMPLATES].sort());
    const sha = await values('max by (version, sha256) (model_info)', (m) => `${m.version}:${m.sha256}`);
    for (const version of ['1', '2']) {
      const manifest = JSON.parse(readFileSync(join(inject('modelsDir'), 'penguins', version, 'model.json'), 'utf8')) as { sha256: string };
      expect(sha[`${version}:${manifest.sha256}`], `model_info of version ${version}`).toBe(1);
    }
    const gpuMemory = await values('max by (UUID) (DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE))', (m) => m.UUID);
    expect(gpuMemory['GPU-927d7444-b45a-7c49-8402-5e686e46a026']).toBeCloseTo(77312 / 81439, 6);
    // The saturated GPU and the 50/25/25 split are already noticed; they fire only after their `for`.
    const alerts = await values('ALERTS', (m) => `${m.alertname} ${m.alertstate}`);
    expect(alerts).toMatchObject({ 'KeelsonGpuMemorySaturated pending': 1, 'KeelsonRolloutStuck pending': 1 });
  });
});

