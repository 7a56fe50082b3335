import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { buildRuleGroups, renderRuleFile, type AlertingRule, type RuleFile } from '../../dashboards/index.js';
import { requireTool } from '../helpers/tools.js';

const fixtures = join(import.meta.dirname, 'fixtures');
const UNIT_TEST_FILES = ['alerts.promtool.yaml', 'alerts-daily.promtool.yaml', 'alerts-rollout.promtool.yaml', 'alerts-accuracy.promtool.yaml'];
const hasPromtool = requireTool('promtool');
const workDir = mkdtempSync(join(tmpdir(), 'keelson-rules-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function alertsOf(file: RuleFile): AlertingRule[] {
  return file.groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);
}

/** Writes `rules` as rules.yaml beside copies of the unit-test files, in a fresh directory. */
function prepare(name: string, rules: RuleFile): string {
  const dir = join(workDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'rules.yaml'), renderRuleFile(rules));
  for (const f of UNIT_TEST_FILES) copyFileSync(join(fixtures, f), join(dir, f));
  return dir;
}

function promtool(dir: string, args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('alert definitions', () => {
  const alerts = alertsOf(buildRuleGroups());
  const runbooks = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'runbooks.md'), 'utf8');

  it('includes every alert the platform promises', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([
      'KeelsonAvailabilityBudgetBurnFast',
      'KeelsonAvailabilityBudgetBurnSlow',
      'KeelsonGpuMemorySaturated',
      'KeelsonJudgeUnavailable',
      'KeelsonLatencyBudgetBurnFast',
      'KeelsonLatencyBudgetBurnSlow',
      'KeelsonModelAccuracyLow',
      'KeelsonModelInputDrift',
      'KeelsonModelNotReady',
      'KeelsonPredictionMixShift',
      'KeelsonRolloutDegraded',
      'KeelsonRolloutStuck',
    ]);
  });

  it.each(alerts.map((a) => [a.alert, a] as const))('%s has a severity, a summary and a runbook section in docs/runbooks.md', (name, alert) => {
    expect(['critical', 'warning']).toContain(alert.labels.severity);
    expect(alert.annotations.summary.length).toBeGreaterThan(10);
    expect(alert.annotations.runbook_url).toBe(`docs/runbooks.md#runbook-${name.toLowerCase()}`);
    expect(runbooks).toContain(`### Runbook: ${name}\n`);
  });

  it('has unit tests for every alert, firing and not firing', () => {
    const cases = UNIT_TEST_FILES.flatMap((f) => {
      const doc = parse(readFileSync(join(fixtures, f), 'utf8')) as { tests: { alert_rule_test?: { alertname: string; exp_alerts?: unknown[] }[] }[] };
      return doc.tests.flatMap((t) => t.alert_rule_test ?? []);
    });
    for (const { alert } of alerts) {
      const mine = cases.filter((c) => c.alertname === alert);
      expect(mine.some((c) => (c.exp_alerts ?? []).length > 0), `${alert} has a firing case`).toBe(true);
      expect(mine.some((c) => (c.exp_alerts ?? []).length === 0), `${alert} has a not-firing case`).toBe(true);
    }
  });

  it('uses the configured SLO targets, threshold and runbook location', () => {
    const custom = alertsOf(
      buildRuleGroups({ availabilityTarget: 0.995, latencyThresholdSeconds: 1, runbookBaseUrl: 'https://git.example.com/keelson/README.md' }),
    );
    const rules = buildRuleGroups({ availabilityTarget: 0.995, latencyThresholdSeconds: 1 }).groups.flatMap((g) => g.rules);
    expect(custom.find((a) => a.alert === 'KeelsonAvailabilityBudgetBurnFast')?.expr).toContain('(14.4 * (1 - 0.995))');
    expect(rules.find((r) => 'record' in r && r.record === 'keelson:slo_latency_slow:ratio_rate5m')?.expr).toContain('le=~"1|1\\\\.0"');
    expect(custom[0].annotations.runbook_url).toMatch(/^https:\/\/git\.example\.com\/keelson\/README\.md#runbook-/);
  });

  it('refuses settings that cannot work, naming the field and the value', () => {
    expect(() => buildRuleGroups({ availabilityTarget: 1.2 })).toThrow("'availabilityTarget' (1.2) must be a number between 0 and 1");
    expect(() => buildRuleGroups({ rolloutStuckAfter: 'an hour' })).toThrow("'rolloutStuckAfter' (\"an hour\") must be a Prometheus duration");
    expect(() => buildRuleGroups({ runbookBaseUrl: 'x#y' })).toThrow("'runbookBaseUrl'");
  });
});

describe.skipIf(!hasPromtool)('promtool', () => {
  it('checks the generated rule file', () => {
    const dir = prepare('check', buildRuleGroups());
    const { status, output } = promtool(dir, ['check', 'rules', 'rules.yaml']);
    expect(output).toContain('SUCCESS: 30 rules found');
    expect(status).toBe(0);
  });

  it('passes the unit tests of every alert', { timeout: 300_000 }, () => {
    const dir = prepare('unit', buildRuleGroups());
    const { status, output } = promtool(dir, ['test', 'rules', ...UNIT_TEST_FILES]);
    expect(output).not.toContain('FAILED');
    expect(status).toBe(0);
  });

  it('fails the unit tests when an alert stops firing (the tests can fail)', { timeout: 120_000 }, () => {
    // With a 90% availability target a 10% error ratio is within budget, so the expected page never comes.
    const dir = prepare('control', buildRuleGroups({ availabilityTarget: 0.9 }));
    const doc = parse(readFileSync(join(dir, UNIT_TEST_FILES[0]), 'utf8')) as { tests: { name: string }[] };
    doc.tests = doc.tests.filter((t) => t.name.startsWith('a 10% error ratio pages'));
    expect(doc.tests).toHaveLength(1);
    writeFileSync(join(dir, 'control.yaml'), stringify(doc));
    const { status, output } = promtool(dir, ['test', 'rules', 'control.yaml']);
    expect(output).toContain('alertname: KeelsonAvailabilityBudgetBurnFast');
    expect(status).not.toBe(0);
  });
});
