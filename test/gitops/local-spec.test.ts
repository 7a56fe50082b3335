import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadDeploySpec } from '../../contract/deploy-spec.js';
import { headReader } from '../../gitops/head.js';

describe('deploy/local.yaml (the desired state `npm start` deploys)', () => {
  it('is valid and pins the sha256 of the sample model the trainer writes on this machine', () => {
    const spec = loadDeploySpec('deploy/local.yaml');
    const file = join(inject('modelsDir'), spec.model.name, spec.model.version, 'model.onnx');
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(spec.model.sha256);
  });

  it('refuses specs with a message naming the field, the value and what was expected', () => {
    const read = headReader('local');
    const text = readFileSync('deploy/local.yaml', 'utf8');
    const cases: [string, string][] = [
      [text.replace('replicas: 1', 'replicas: 0'), 'service.replicas'],
      [text.replace('interval: 5s', 'interval: soon'), 'rollout.interval'],
      [text.replace('steps: [5, 25, 50]', 'steps: [50, 25]'), 'rollout.steps[1]'],
      [text.replace('environment: local', 'environment: production'), 'environment'],
      [`${text}colour: blue\n`, 'colour'],
    ];
    for (const [bad, field] of cases) {
      const head = read('abc1234', bad);
      expect(head.kind, field).toBe('invalid');
      if (head.kind === 'invalid') expect(head.message).toContain(field);
    }
    expect(read('abc1234', null)).toMatchObject({ kind: 'invalid', message: 'deploy/local.yaml does not exist at abc1234' });
    expect(read('abc1234', text).kind).toBe('valid');
  });

  it('tells a spec still using rollout.minRequests the new name, as its only problem', () => {
    const text = readFileSync('deploy/local.yaml', 'utf8');
    const head = headReader('local')('abc1234', text.replace('minStepRequests: 50', 'minRequests: 50'));
    expect(head).toEqual({
      kind: 'invalid',
      commit: 'abc1234',
      message:
        "deploy/local.yaml: invalid deploy spec\n  - 'rollout.minRequests' was renamed to 'rollout.minStepRequests' (canary requests per step; the judge's own minimum is 'rollout.judge.minRequestsPerArm')",
    });
  });

  it('refuses a judge policy still using minRequests before anything is deployed', () => {
    const text = readFileSync('deploy/local.yaml', 'utf8').replace('minStepRequests: 50', 'minStepRequests: 50\n  judge: { minRequests: 50 }');
    const head = headReader('local')('abc1234', text);
    expect(head.kind).toBe('invalid');
    if (head.kind === 'invalid') {
      expect(head.message).toContain("deploy/local.yaml: rollout.judge: invalid judge policy\n  - 'minRequests' was renamed to 'minRequestsPerArm'");
    }
    expect(headReader('local')('abc1234', text.replace('judge: { minRequests: 50 }', 'judge: { minRequestsPerArm: 50 }')).kind).toBe('valid');
  });
});
