/**
 * The loop end to end with real processes: two `keelson serve` (penguins:2 and the shifted penguins:4), `keelson
 * traffic --feedback 1` against each, a real Prometheus scraping both with the generated rules, and the
 * dashboard's live-accuracy PromQL: version 4 shows the lower live accuracy.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { liveAccuracy, referenceAccuracy } from '../../dashboards/accuracy-queries.js';
import { buildRuleGroups, renderRuleFile } from '../../dashboards/index.js';
import { ACCURACY_RECORDS } from '../../dashboards/rules/accuracy.js';
import type { TrafficReport } from '../../platform/traffic/generator.js';
import { freePort, startProcess, waitForOk, type Started } from '../dashboards/helpers/processes.js';
import { startPrometheus, waitForData, type RunningPrometheus } from '../dashboards/helpers/prometheus.js';
import { requireTool } from '../helpers/tools.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const hasPrometheus = requireTool('prometheus');

/** Runs `keelson <args>` to completion (bounded) and returns its stdout and exit code. */
function keelson(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/keelson.mjs', ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const valueOf = (result: Awaited<ReturnType<RunningPrometheus['query']>>, version: string): number => {
  const sample = (result.result as { metric: Record<string, string>; value: [number, string] }[]).find((s) => s.metric.version === version);
  return Number(sample?.value[1]);
};

describe.skipIf(!hasPrometheus)('live accuracy: predictions → feedback → metrics → PromQL in a real Prometheus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keelson-accuracy-'));
  const services: Started[] = [];
  const ports: Record<string, number> = {};
  let prometheus: RunningPrometheus | undefined;
  const reports: Record<string, TrafficReport> = {};
  /** Answered requests per version over both rounds (each one labelled). */
  const answered: Record<string, number> = {};

  beforeAll(async () => {
    const modelsDir = inject('modelsDir');
    for (const version of ['2', '4']) {
      ports[version] = await freePort();
      services.push(startProcess(process.execPath, ['bin/keelson.mjs', 'serve', '--models', modelsDir, '--model', `penguins:${version}`, '--port', String(ports[version]), '--workers', '1', '--feedback-log', join(dir, `log-${version}`)], repoRoot));
    }
    await Promise.all(['2', '4'].map((v, i) => waitForOk(`http://127.0.0.1:${ports[v]}/v2/health/ready`, services[i]!, 120_000)));
    writeFileSync(join(dir, 'rules.yaml'), renderRuleFile(buildRuleGroups()));
    prometheus = await startPrometheus(dir, [{ job: 'keelson', targets: Object.entries(ports).map(([v, port]) => ({ target: `127.0.0.1:${port}`, labels: { variant: v === '2' ? 'stable' : 'canary' } })) }], 'rules.yaml');
    // Two rounds: a counter whose series first appears at its final value has a rate of 0/0 in every window, so the
    // second round makes sure Prometheus sees the labelled counts grow for both versions.
    for (let round = 0; round < 2; round++) {
      await Promise.all(['2', '4'].map(async (version) => {
        const run = await keelson(['traffic', '--url', `http://127.0.0.1:${ports[version]}`, '--rps', '40', '--duration', '3s', '--feedback', '1', '--json'], 60_000);
        expect(run.code, run.stderr).toBe(0);
        reports[version] = JSON.parse(run.stdout) as TrafficReport;
        answered[version] = (answered[version] ?? 0) + reports[version].ok;
      }));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await prometheus?.process.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keelson traffic --feedback labels every answered request and reports the service\'s verdicts', () => {
    for (const version of ['2', '4']) {
      const { feedback, ok } = reports[version]!;
      expect(feedback?.sent).toBe(ok);
      expect(feedback?.byStatus).toEqual({ 200: ok });
      expect(feedback?.byVersion[version]?.labelled).toBe(ok);
    }
    const accuracy = (v: string) => reports[v]!.feedback!.byVersion[v]!.correct / reports[v]!.feedback!.byVersion[v]!.labelled;
    expect(accuracy('2')).toBeGreaterThan(0.95);
    expect(accuracy('4')).toBeLessThan(0.85);
  });

  it('the dashboard\'s live accuracy in Prometheus is lower for the shifted version 4, beside the held-out accuracy', async () => {
    const live = liveAccuracy([], ['model', 'version'], '5m');
    expect(await waitForData(prometheus!, [live, `${ACCURACY_RECORDS.accuracy}1h`], 60_000)).toEqual([]);
    // Both versions' series, not only the first one scraped with a rate to compute.
    let result = await prometheus!.query(live);
    for (const deadline = Date.now() + 30_000; [valueOf(result, '2'), valueOf(result, '4')].some(Number.isNaN) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      result = await prometheus!.query(live);
    }
    expect(valueOf(result, '2')).toBeGreaterThan(0.95);
    expect(valueOf(result, '4')).toBeLessThan(0.85);
    const reference = await prometheus!.query(referenceAccuracy([], ['model', 'version']));
    expect(valueOf(reference, '4')).toBeCloseTo(0.756, 3);
    expect(valueOf(reference, '2')).toBeCloseTo(0.988, 3);
  });

  it('every labelled row is in the service\'s --feedback-log', () => {
    const lines = readFileSync(join(dir, 'log-4', 'feedback.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(answered['4']!);
    expect(JSON.parse(lines[0]!)).toMatchObject({ model: 'penguins', version: '4', row: 0 });
  });
});
