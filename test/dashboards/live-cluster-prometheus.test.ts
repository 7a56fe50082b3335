/**
 * The canary dashboard and the rollout alerts as they run in the cluster, against a real Prometheus scraping what
 * the cluster's Prometheus scrapes during an Argo Rollouts canary: the controller's /metrics (the recorded page
 * fixtures/argo-rollouts-controller.prom, scraped as the chart's ServiceMonitor does, with the documented
 * metricRelabelings), a real `keelson judge serve` reading this same Prometheus and answering real judge calls,
 * and two real `keelson serve` arms labelled as the ServiceMonitor labels experiment pods (`variant`,
 * `rollouts_pod_template_hash`, `namespace`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CLUSTER_ONLY_PANELS } from '../../dashboards/canary-cluster.js';
import { KEELSON_ARGO } from '../../dashboards/external-metrics.js';
import { buildDashboards, buildRuleGroups, renderRuleFile } from '../../dashboards/index.js';
import { NAMESPACE_FROM_SERIES } from '../../infra/rollouts/values.js';
import { requireTool } from '../helpers/tools.js';
import { dashboardQueries, interpolate, ruleQueries, type FoundQuery } from './helpers/dashboard-queries.js';
import { serveExpositions } from './helpers/exporters.js';
import { freePort, startProcess, waitForOk, type Started } from './helpers/processes.js';
import { hasFiniteValue, startPrometheus, waitForData, type RunningPrometheus } from './helpers/prometheus.js';
import { startTraffic, type Traffic } from './helpers/traffic.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const hasPrometheus = requireTool('prometheus');

/** Experiment arms' pod-template hashes, as Argo would pass them to the judge. */
const ARMS = { baseline: { hash: '6b8c7d9f4', version: '1' }, canary: { hash: '84f5c6d7b2', version: '2' } } as const;
const VARIABLES: Record<string, string> = { __rate_interval: '20s', namespace: 'keelson', model: '.*', version: '.*', baseline: 'baseline' };
/**
 * The chart's ServiceMonitor scrapes without honorLabels, so the target's `namespace` (the controller's) wins and
 * the Rollout's becomes `exported_namespace`; the metricRelabelings `pulumi up` gives that ServiceMonitor put it
 * back. These are those very values, in Prometheus' snake_case, as the Prometheus Operator writes them.
 */
const ARGO_METRIC_RELABELINGS = NAMESPACE_FROM_SERIES.map((r) =>
  Object.fromEntries(Object.entries(r).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value])),
);

const canary = buildDashboards().find((d) => d.uid === 'keelson-canary-analysis')!;
const rules = buildRuleGroups();
const rolloutRules = ruleQueries({ groups: rules.groups.filter((g) => g.name === 'keelson-rollout-alerts') });
const panels = dashboardQueries(canary).filter((q) => q.kind === 'panel' || q.kind === 'variable');
const label = (q: FoundQuery) => `${q.where}: ${q.expr.slice(0, 90)}`;
type Sample = { metric: Record<string, string>; value: [number, string] };

describe.skipIf(!hasPrometheus)('the canary dashboard and rollout alerts against a Prometheus scraping Argo Rollouts, the judge and the arms', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-prom-cluster-'));
  const started: Started[] = [];
  let argo: Awaited<ReturnType<typeof serveExpositions>> | undefined;
  let prometheus: RunningPrometheus | undefined;
  let traffic: Traffic | undefined;
  let judgeUrl = '';
  const answers: { status: number; decision?: string }[] = [];

  beforeAll(async () => {
    const arms = await Promise.all(
      Object.entries(ARMS).map(async ([variant, arm]) => ({ variant, ...arm, port: await freePort() })),
    );
    for (const arm of arms) {
      started.push(
        startProcess(
          process.execPath,
          ['bin/keelson.mjs', 'serve', '--models', inject('modelsDir'), '--model', `penguins:${arm.version}`, '--host', '127.0.0.1', '--port', String(arm.port), '--workers', '1', '--cache-bytes', '1MiB'],
          repoRoot,
        ),
      );
    }
    argo = await serveExpositions({ '/metrics': readFileSync(join(import.meta.dirname, 'fixtures', 'argo-rollouts-controller.prom'), 'utf8') });
    const judgePort = await freePort();
    judgeUrl = `http://127.0.0.1:${judgePort}`;
    writeFileSync(join(dir, 'rules.yaml'), renderRuleFile(rules));
    prometheus = await startPrometheus(dir, [
      {
        job: 'keelson',
        targets: arms.map((arm) => ({ target: `127.0.0.1:${arm.port}`, labels: { namespace: 'keelson', variant: arm.variant, rollouts_pod_template_hash: arm.hash } })),
      },
      { job: 'argo-rollouts-metrics', metricRelabelConfigs: ARGO_METRIC_RELABELINGS, targets: [{ target: argo.host, labels: { namespace: 'argo-rollouts' } }] },
      { job: KEELSON_ARGO.judgeJob, targets: [{ target: `127.0.0.1:${judgePort}`, labels: { namespace: 'keelson' } }] },
    ], 'rules.yaml');
    const judge = startProcess(
      process.execPath,
      ['bin/keelson.mjs', 'judge', 'serve', '--prometheus', prometheus.url, '--host', '127.0.0.1', '--port', String(judgePort), '--interval', '2s'],
      repoRoot,
    );
    started.push(judge);
    await Promise.all([
      ...arms.map((arm, i) => waitForOk(`http://127.0.0.1:${arm.port}/v2/health/ready`, started[i], 120_000)),
      waitForOk(`${judgeUrl}/healthz`, judge, 120_000),
    ]);
    traffic = startTraffic(arms.map((arm) => ({ baseUrl: `http://127.0.0.1:${arm.port}`, version: arm.version })));
    // Argo's first measurement comes once the arms' pods run: here, once Prometheus has scraped them.
    const scraped = await waitForData(prometheus, [`count(process_start_time_seconds{rollouts_pod_template_hash=~"${ARMS.baseline.hash}|${ARMS.canary.hash}"}) == 2`], 30_000);
    expect(scraped, 'both arms scraped').toEqual([]);
    for (let i = 0; i < 3; i++) {
      answers.push(await judgeCall());
      await sleep(2_000);
    }
    const missing = await waitForData(prometheus, panels.map((q) => interpolate(q.expr, VARIABLES)), 60_000);
    if (missing.length > 0) console.warn(`still without data after 60 s:\n${missing.join('\n')}`);
  }, 300_000);

  afterAll(async () => {
    await traffic?.stop();
    await prometheus?.process.stop();
    await Promise.all(started.map((s) => s.stop()));
    await argo?.close();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** What Argo's `web` provider sends (infra/render/judge-analysis.ts), with the arms' hashes filled in. */
  async function judgeCall(): Promise<{ status: number; decision?: string }> {
    const response = await fetch(`${judgeUrl}/v1/judge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: { name: 'penguins', version: ARMS.canary.version, sha256: 'ab' },
        arms: { baseline: ARMS.baseline.hash, canary: ARMS.canary.hash },
        analysis: { start: 'arms-created', canaryWeight: '20', minStepRequests: 100 },
        policy: {},
      }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await response.json()) as { decision?: string };
    return { status: response.status, decision: body.decision };
  }

  it('scrapes the controller, the judge and both arms, and the judge answers from this Prometheus', async () => {
    const up = ((await prometheus!.query('up')).result as Sample[]).map((s) => `${s.metric.job} ${s.value[1]}`).sort();
    expect(up).toEqual(['argo-rollouts-metrics 1', 'keelson 1', 'keelson 1', `${KEELSON_ARGO.judgeJob} 1`]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(['continue', 'promote', 'rollback']).toContain(answers[2].decision);
    // The metricRelabelings gave the controller's series the Rollout's namespace back.
    const info = (await prometheus!.query('rollout_info')).result as Sample[];
    expect(info.map((s) => `${s.metric.namespace}/${s.metric.name} ${s.metric.phase}`).sort()).toEqual(['keelson/keelson Progressing', 'web/storefront Completed']);
    expect(info.every((s) => s.metric.exported_namespace === undefined)).toBe(true);
  });

  it.each(panels.map((q) => [label(q), q] as const))('panel %s has data', async (_name, q) => {
    const result = await prometheus!.query(interpolate(q.expr, VARIABLES));
    expect(result.error, `Prometheus refused: ${interpolate(q.expr, VARIABLES)}`).toBeUndefined();
    expect(hasFiniteValue(result), `no data for ${interpolate(q.expr, VARIABLES)}`).toBe(true);
  });

  it('covers every cluster-only panel', () => {
    expect(panels.filter((q) => (CLUSTER_ONLY_PANELS as readonly string[]).includes(q.where)).map((q) => q.where)).toEqual([...CLUSTER_ONLY_PANELS]);
  });

  it('shows the Argo phase, the judge analysis and the judge verdict for the right objects', async () => {
    const byTitle = (title: string) => interpolate(panels.find((q) => q.where === title)!.expr, VARIABLES);
    const values = async (expr: string, key: (m: Record<string, string>) => string) =>
      Object.fromEntries(((await prometheus!.query(expr)).result as Sample[]).map((s) => [key(s.metric), Number(s.value[1])]));
    // 1 = Progressing (ROLLOUT_INFO_PHASES order); the unrelated Rollout web/storefront is not shown.
    expect(await values(byTitle(CLUSTER_ONLY_PANELS[0]), (m) => `${m.namespace}/${m.name}`)).toEqual({ 'keelson/keelson': 1 });
    // 2 = Running, 3 = Successful (ANALYSIS_PHASES order).
    expect(await values(byTitle(CLUSTER_ONLY_PANELS[1]), (m) => m.name)).toEqual({ 'keelson-7c9f4d8b5-2-0-judge': 3, 'keelson-7c9f4d8b5-2-1-judge': 2 });
    const code = { continue: 1, promote: 2, rollback: 3 }[answers[2].decision as 'continue'];
    expect(await values(byTitle('Verdicts'), (m) => m.rollout)).toEqual({ [`penguins/${ARMS.canary.hash}`]: code });
    const weights = await values(byTitle('Current weights'), (m) => m.variant);
    expect(Object.keys(weights).sort()).toEqual(['baseline', 'canary', 'stable']);
  });

  it('evaluates every rollout alert without error, and the Progressing Rollout is already noticed as possibly stuck', async () => {
    for (const q of rolloutRules) {
      const result = await prometheus!.query(q.expr);
      expect(result.error, `${q.where}: ${q.expr}`).toBeUndefined();
    }
    const body = (await (await fetch(`${prometheus!.url}/api/v1/rules`)).json()) as { data: { groups: { name: string; rules: { name: string; health: string; lastError?: string }[] }[] } };
    const group = body.data.groups.find((g) => g.name === 'keelson-rollout-alerts')!;
    for (const rule of group.rules) expect(rule.health, `${rule.name}: ${rule.lastError ?? ''}`).toBe('ok');
    const alerts = ((await prometheus!.query('ALERTS')).result as Sample[]).map((s) => `${s.metric.alertname} ${s.metric.alertstate} ${s.metric.namespace ?? ''}/${s.metric.name ?? ''}`);
    expect(alerts).toContain('KeelsonRolloutStuck pending keelson/keelson');
    expect(alerts.filter((a) => a.startsWith('KeelsonRolloutDegraded') || a.startsWith('KeelsonJudgeUnavailable'))).toEqual([]);
  });
});
