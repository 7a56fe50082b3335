import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildRuleGroups, type RuleFile } from '../../dashboards/index.js';

const repoRoot = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'keelson-dash-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function keelson(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['bin/keelson.mjs', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keelson dashboards', () => {
  it('build writes one importable Grafana JSON file per dashboard, with the configured Kibana', () => {
    const out = join(dir, 'dashboards');
    const { status, stdout, stderr } = keelson(['dashboards', 'build', '--out', out], { KEELSON_KIBANA_URL: 'https://logs.example.com' });
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toEqual([
      'keelson-canary-analysis.json',
      'keelson-gpu.json',
      'keelson-logs.json',
      'keelson-model-quality.json',
      'keelson-service-overview.json',
    ]);
    for (const file of files) {
      const dashboard = JSON.parse(readFileSync(join(out, file), 'utf8')) as { uid: string; schemaVersion: number };
      expect(`${dashboard.uid}.json`).toBe(file);
      expect(stdout).toContain(join(out, file));
    }
    expect(readFileSync(join(out, 'keelson-logs.json'), 'utf8')).toContain('https://logs.example.com/app/discover#/');
  });

  it('rules writes the rule groups with the SLO targets given on the command line', () => {
    const file = join(dir, 'nested', 'keelson-rules.yaml');
    const { status, stdout } = keelson(['dashboards', 'rules', '--out', file, '--availability-target', '0.995', '--latency-threshold', '0.5', '--runbook-base-url', 'https://git.example.com/README.md']);
    expect(status).toBe(0);
    const groups = buildRuleGroups().groups;
    const alerts = groups.flatMap((g) => g.rules).filter((r) => 'alert' in r).length;
    expect(stdout).toContain(`${groups.length} groups, ${alerts} alerts`);
    const rules = parse(readFileSync(file, 'utf8')) as RuleFile;
    const text = JSON.stringify(rules);
    expect(text).toContain('(14.4 * (1 - 0.995))');
    expect(text).toContain('le=\\"0.5\\"');
    expect(text).toContain('https://git.example.com/README.md#runbook-keelsonmodelnotready');
  });

  it('refuses an impossible SLO target, naming the flag and the value', () => {
    const { status, stderr } = keelson(['dashboards', 'rules', '--out', join(dir, 'x.yaml'), '--availability-target', '99.9']);
    expect(status).toBe(2);
    expect(stderr).toContain('--availability-target (99.9) must be a number between 0 and 1 (exclusive)');
  });

  it('refuses a Kibana URL that is not one', () => {
    const { status, stderr } = keelson(['dashboards', 'build', '--out', join(dir, 'y'), '--kibana-url', 'kibana']);
    expect(status).toBe(2);
    expect(stderr).toContain('--kibana-url ("kibana") must be an absolute http(s) URL');
  });
});
