import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJudgePolicy } from '../../analysis/index.js';
import { parseScenarios, replayScenario, ScenarioError } from '../../analysis/replay.js';

const BIN = fileURLToPath(new URL('../../bin/keelson.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/scenarios.jsonl', import.meta.url));
/** Simulated (bench/judge/simulate.ts, seed 600, ~200 requests per arm per look): 2% of canary requests 10× slower. */
const TAIL_FIXTURE = fileURLToPath(new URL('./fixtures/tail-regression.jsonl', import.meta.url));

/** Runs `keelson judge replay ...` as a user would. */
function replay(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, 'judge', 'replay', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('keelson judge replay', () => {
  it('--json prints one line per scenario: rollback as soon as justified, inconclusive when the data end first', { timeout: 120_000 }, () => {
    const { code, stdout } = replay('--json', FIXTURE);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n').map((l) => JSON.parse(l) as { name: string; decision: string; decidedAt: number | null; reasons: string[] });
    expect(lines.map((l) => [l.name, l.decision])).toEqual([
      ['a/a identical versions', 'inconclusive'],
      ['slow canary (median +25%)', 'rollback'],
      ['erroring canary (0.2% -> 2%)', 'rollback'],
      ['shifted predictions (15 points)', 'rollback'],
    ]);
    expect(lines[0]!.decidedAt).toBeNull();
    expect(lines[1]!.reasons[0]).toMatch(/^canary p\d+ latency \+\d+% vs baseline \(95% bounds .+\) after [\d,]+ requests: slower than the \+10% tolerance$/);
    expect(lines[2]!.reasons[0]).toMatch(/^canary error rate [\d.]+% vs baseline/);
    expect(lines[3]!.reasons[0]).toMatch(/^canary class mix differs from baseline by TV 0\.1\d\d/);
    for (const line of lines.slice(1)) expect(line.decidedAt).toBeGreaterThan(0);
  });

  it('rolls back a tail-only regression on its p99, which p50/p90 alone leave inconclusive', { timeout: 120_000 }, () => {
    const { code, stdout } = replay('--json', TAIL_FIXTURE);
    expect(code).toBe(0);
    const verdict = JSON.parse(stdout) as { decision: string; decidedAt: number; reasons: string[] };
    expect(verdict).toMatchObject({ decision: 'rollback', decidedAt: 70 });
    expect(verdict.reasons[0]).toMatch(/^canary p99 latency \+\d+% vs baseline \([\d.]+% of canary requests slower than \+10% over the baseline's p99, [\d.]+% of baseline requests slower than it\) after [\d,]+ requests: slower than baseline beyond the \+10% tolerance$/);
    const dir = mkdtempSync(join(tmpdir(), 'keelson-replay-'));
    writeFileSync(join(dir, 'no-tail.yaml'), 'metrics:\n  latency:\n    tail: { enabled: false }\n');
    const withoutTail = replay('--json', '--policy', join(dir, 'no-tail.yaml'), TAIL_FIXTURE);
    expect(JSON.parse(withoutTail.stdout)).toMatchObject({ decision: 'inconclusive', decidedAt: null });
  });

  it('prints a readable report by default, and --final applies the end-of-window rule (the A/A canary is promoted)', { timeout: 120_000 }, () => {
    const report = replay(FIXTURE);
    expect(report.stdout).toMatch(/^slow canary \(median \+25%\): ROLLBACK at t=\d+$/m);
    expect(report.stdout).toMatch(/^4 scenarios: 0 promoted, 3 rolled back, 1 inconclusive \(judge mode sequential\)$/m);
    const final = replay('--final', '--json', FIXTURE);
    expect(JSON.parse(final.stdout.split('\n')[0]!)).toMatchObject({ decision: 'promote', decidedAt: 300 });
  });

  it('uses a policy file (YAML) and refuses a bad one naming the field and the allowed values', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-replay-'));
    writeFileSync(join(dir, 'threshold.yaml'), 'mode: threshold\nthreshold:\n  maxLatencySeconds: 0.025\n');
    const threshold = replay('--json', '--policy', join(dir, 'threshold.yaml'), FIXTURE);
    expect(threshold.code).toBe(0);
    expect(JSON.parse(threshold.stdout.split('\n')[2]!)).toMatchObject({ name: 'erroring canary (0.2% -> 2%)', decision: 'rollback' });
    writeFileSync(join(dir, 'bad.yaml'), 'mode: sequential\nmetrics:\n  latency:\n    tolerence: 0.2\n');
    const bad = replay('--policy', join(dir, 'bad.yaml'), FIXTURE);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/'metrics\.latency\.tolerence' is not a judge policy field: allowed fields are enabled, critical, tolerance, quantiles/);
  });

  it('refuses a malformed scenario file, naming the line and the field', { timeout: 120_000 }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-replay-'));
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, `{"name": "ok", "snapshots": []}\n{"name": "bad", "snapshots": [{"t": 1, "baseline": null, "canary": {"requests": -3}}]}\n`);
    const result = replay(file);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/broken\.jsonl:2: not a scenario .*'snapshots\.0\.canary\.requests'/);
  });
});

describe('replay as a library', () => {
  it('reads a single JSON scenario, an array, or JSONL', () => {
    const one = { name: 'one', snapshots: [] };
    expect(parseScenarios(JSON.stringify(one), 'f')).toHaveLength(1);
    expect(parseScenarios(JSON.stringify([one, { ...one, name: 'two' }]), 'f').map((s) => s.name)).toEqual(['one', 'two']);
    expect(parseScenarios(`${JSON.stringify(one)}\n\n${JSON.stringify(one)}\n`, 'f')).toHaveLength(2);
    expect(() => parseScenarios('{"name": "x"}\nnot json\n', 'f.jsonl')).toThrow(ScenarioError);
  });

  it('an empty scenario is inconclusive', () => {
    expect(replayScenario(parseJudgePolicy({}), { name: 'empty', snapshots: [] })).toEqual({ name: 'empty', decision: 'inconclusive', decidedAt: null, reasons: [] });
  });
});
