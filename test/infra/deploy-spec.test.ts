/** `deploy/<env>.yaml`: the committed production spec is valid, and every mistake is named precisely. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { DeploySpecError, isDigestPinned, loadDeploySpec, parseDeploySpec } from '../../contract/deploy-spec.js';
import { parseDuration } from '../../contract/duration.js';

const SHA = 'c'.repeat(64);
const valid = `environment: production
model: {name: penguins, version: 2, uri: models/penguins/2, sha256: ${SHA}}
service: {image: "registry.example.com/keelson@sha256:${'d'.repeat(64)}", replicas: 3}
rollout: {steps: [5, 25, 50], interval: 30s, minStepRequests: 200, judge: {mode: sequential, alpha: 0.05}}
`;

function problems(text: string): string[] {
  try {
    parseDeploySpec(text, 'deploy/production.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(DeploySpecError);
    return (error as DeploySpecError).message.split('\n').slice(1).map((line) => line.replace(/^ {2}- /, ''));
  }
  throw new Error('expected the spec to be refused');
}

describe('parseDeploySpec', () => {
  test('the committed deploy/production.yaml loads', () => {
    const spec = loadDeploySpec('deploy/production.yaml');
    expect(spec.environment).toBe('production');
    expect(spec.service.replicas).toBeGreaterThanOrEqual(2);
    expect(isDigestPinned(spec.service.image!)).toBe(true);
  });

  test('normalises a numeric version to a string, defaults gpu to false, keeps the judge opaque', () => {
    const spec = parseDeploySpec(valid, 'x');
    expect(spec.model.version).toBe('2');
    expect(spec.service.gpu).toBe(false);
    expect(spec.rollout.judge).toEqual({ mode: 'sequential', alpha: 0.05 });
  });

  test.each([
    [valid.replace(/image: "[^"]+"/, 'image: nginx:latest'), 'service.image = "nginx:latest": expected an image pinned by digest: name@sha256:<64 hex digits>'],
    [valid.replace('replicas: 3', 'replicas: 0'), 'service.replicas = 0: expected at least 1 replica'],
    [valid.replace('replicas: 3', 'replica: 3'), 'service.replica = 3: expected no field "replica" here'],
    [valid.replace('[5, 25, 50]', '[5, 50, 25]'), 'rollout.steps[2] = 25: expected a step above the previous one (50): steps must increase'],
    [valid.replace('[5, 25, 50]', '[5, 150]'), 'rollout.steps[1] = 150: expected a percentage ≤ 100'],
    [valid.replace('30s', 'soon'), 'rollout.interval = "soon": expected a duration such as "30s" or "1m"'],
    [valid.replace(SHA, 'abc'), 'model.sha256 = "abc": expected 64 lower-case hex digits (sha256 of model.onnx)'],
    [valid.replace(/image: "[^"]+", /, ''), 'service.image = (missing): expected an image pinned by digest (required for environment "production"; only "local" may omit it)'],
    ['environment: [', 'expected valid YAML'],
  ])('refuses a broken spec: %#', (text, message) => {
    expect(problems(text).join('\n')).toContain(message);
  });

  test('a local spec may omit the image', () => {
    const local = valid.replace('environment: production', 'environment: local').replace(/image: "[^"]+", /, '');
    expect(parseDeploySpec(local, 'deploy/local.yaml').service.image).toBeUndefined();
  });

  test('loadDeploySpec insists the environment matches the file name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-spec-'));
    writeFileSync(join(dir, 'staging.yaml'), valid);
    expect(() => loadDeploySpec(join(dir, 'staging.yaml'))).toThrow('environment = "production": expected "staging" (the file name)');
    expect(() => loadDeploySpec(join(dir, 'missing.yaml'))).toThrow(/expected a readable file/);
  });

  test('durations in a spec need their unit', () => {
    expect(parseDuration('1m30s', 'rejected')).toBe(90_000);
    expect(parseDuration('250ms', 'rejected')).toBe(250);
    expect(parseDuration('30', 'rejected')).toBeUndefined();
    expect(problems(valid.replace('30s', '"30"')).join('\n')).toContain('rollout.interval = "30": expected a duration such as "30s" or "1m"');
  });
});
