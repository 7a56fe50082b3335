/** The GPU variant's pods ask `keelson serve` for CUDA and fail start-up without it; the deploy spec can name providers. */
import { describe, expect, test } from 'vitest';
import { loadDeploySpec, parseDeploySpec, type DeploySpec } from '../../contract/deploy-spec.js';
import { renderService, type KubeObject } from '../../infra/render/index.js';

const production = loadDeploySpec('deploy/production.yaml');
const DIGEST = `ghcr.io/keelson-dev/keelson@sha256:${'b'.repeat(64)}`;

function serveArgs(service: Partial<DeploySpec['service']>): string[] {
  const spec: DeploySpec = { ...production, service: { ...production.service, image: DIGEST, ...service } };
  const rollout = renderService(spec).find((o: KubeObject) => o.kind === 'Rollout') as unknown as { spec: { template: { spec: { containers: { name: string; args: string[] }[] } } } };
  return rollout.spec.template.spec.containers.find((c) => c.name === 'keelson')!.args;
}

describe('execution providers in the rendered pods', () => {
  test('a GPU service requires CUDA: --execution-provider cuda,cpu --require-execution-provider', () => {
    const args = serveArgs({ gpu: true });
    expect(args.slice(-3)).toEqual(['--execution-provider', 'cuda,cpu', '--require-execution-provider']);
  });

  test('a CPU service passes no provider flags unless the spec names providers', () => {
    expect(serveArgs({ gpu: false })).not.toContain('--execution-provider');
    expect(serveArgs({ gpu: false, executionProviders: ['cpu'] }).slice(-2)).toEqual(['--execution-provider', 'cpu']);
    expect(serveArgs({ gpu: true, executionProviders: ['tensorrt', 'cuda'] }).slice(-3)).toEqual(['--execution-provider', 'tensorrt,cuda', '--require-execution-provider']);
  });

  test('the deploy spec refuses an unknown provider, naming the field', () => {
    const text = `environment: x
model: {name: penguins, version: 2, uri: models/penguins/2, sha256: ${'a'.repeat(64)}}
service: {replicas: 1, gpu: true, executionProviders: [gpu]}
rollout: {steps: [50], interval: 30s, minStepRequests: 10}
`;
    expect(() => parseDeploySpec(text, 'deploy/x.yaml')).toThrow('service.executionProviders[0] = "gpu": expected one of cpu, cuda, tensorrt');
  });
});
