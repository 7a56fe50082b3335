import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJudgePolicy } from '../../analysis/policy.js';
import { PolicyError } from '../../rollout/errors.js';
import { DEFAULT_ROLLOUT_POLICY, loadRolloutPolicy, parseRolloutPolicy, stepWeights } from '../../rollout/policy.js';

function problems(input: unknown): string[] {
  try {
    parseRolloutPolicy(input);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return (error as PolicyError).problems;
  }
  throw new Error('expected the policy to be refused');
}

describe('rollout policy', () => {
  it('fills defaults: 5, 25, 50 then promote', () => {
    expect(parseRolloutPolicy({})).toMatchObject({ steps: [5, 25, 50], intervalMs: 10_000, minStepRequests: 100 });
    expect(parseRolloutPolicy(undefined)).toEqual({ ...DEFAULT_ROLLOUT_POLICY });
  });

  it('reads durations and numbers', () => {
    expect(parseRolloutPolicy({ steps: [10, 50], interval: '1.5s', minStepRequests: 0, analysisTimeout: '2m', readyTimeout: 30, drainTimeout: '500ms' })).toMatchObject({
      steps: [10, 50],
      intervalMs: 1_500,
      minStepRequests: 0,
      analysisTimeoutMs: 120_000,
      readyTimeoutMs: 30_000,
      drainTimeoutMs: 500,
    });
  });

  it('refuses an unknown field, naming it and the allowed fields', () => {
    const [problem] = problems({ stepz: [5] });
    expect(problem).toContain("'stepz' is not a policy field");
    expect(problem).toContain('steps, interval, minStepRequests, readyTimeout, analysisTimeout, drainTimeout, rollbackWindow, judge');
  });

  it('refuses bad values, naming field, value and what is allowed', () => {
    expect(problems({ steps: [5, 60] })[0]).toMatch(/'steps\[1\]' is 60: expected a percentage above 0 and at most 50/);
    expect(problems({ interval: 'soon' })[0]).toMatch(/'interval' is "soon": expected a duration such as 500ms, 10s, 2m/);
    expect(problems({ minStepRequests: -1 })[0]).toMatch(/'minStepRequests' is -1: expected a whole number ≥ 0/);
    expect(problems({ judge: [1] })[0]).toMatch(/'judge' is \[1\]: expected a mapping/);
  });

  it('names the new key when a file still uses the old, ambiguous minRequests', () => {
    expect(problems({ minRequests: 50 })).toEqual([
      "'minRequests' was renamed to 'minStepRequests' (canary requests per step; the judge's own minimum is 'judge.minRequestsPerArm')",
    ]);
    expect(() => parseJudgePolicy({ minRequests: 50 })).toThrow("'minRequests' was renamed to 'minRequestsPerArm' (requests each arm must see before the judge decides");
  });

  it('refuses inconsistent steps and windows', () => {
    expect(problems({ steps: [25, 5] })[0]).toMatch(/'steps\[1\]' is 5: expected more than the step before \(25\)/);
    expect(problems({ steps: [] })[0]).toMatch(/'steps' is \[\]/);
    expect(problems({ steps: [5, 25, 50], interval: '1m', analysisTimeout: '2m' })[0]).toMatch(/'analysisTimeout' is 2m: expected at least steps × interval \(3 × 1m = 3m\)/);
  });

  it('reports every problem at once', () => {
    expect(problems({ steps: [0], interval: 'x', extra: 1 })).toHaveLength(3);
  });

  it('loads YAML files and names the file in errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-policy-'));
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'steps: [10, 50]\ninterval: 2s\nminStepRequests: 10\njudge:\n  minRequestsPerArm: 20\n');
    expect(loadRolloutPolicy(good)).toMatchObject({ steps: [10, 50], intervalMs: 2_000, judge: { minRequestsPerArm: 20 } });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'steps: [10, 50]\nintervall: 2s\n');
    expect(() => loadRolloutPolicy(bad)).toThrow(new RegExp(`${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid rollout policy`));
  });

  it('gives baseline and canary the same share at each step', () => {
    expect(stepWeights({ steps: [5, 25, 50] }, 2)).toEqual({ stable: 0, baseline: 50, canary: 50 });
  });
});
