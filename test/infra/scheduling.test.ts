/** Pure helpers: toleration matching, pod shutdown timing and resources, object names. */
import { describe, expect, test } from 'vitest';
import { GPU_TAINT, GPU_TAINT_CLOUD, GPU_TOLERATION, tolerates } from '../../infra/gpu/scheduling.js';
import { gatewayPlan } from '../../infra/gateway/plan.js';
import { objectName } from '../../infra/monitoring/provisioning.js';
import { gracePeriodSeconds, resourceRequirements } from '../../infra/render/pod.js';

describe('tolerates', () => {
  test('the GPU toleration tolerates the GPU taint in either spelling', () => {
    expect(tolerates(GPU_TOLERATION, GPU_TAINT)).toBe(true);
    expect(tolerates(GPU_TOLERATION, GPU_TAINT_CLOUD)).toBe(true);
    // GKE adds its own nvidia.com/gpu=present taint: Exists tolerates it as well.
    expect(tolerates(GPU_TOLERATION, { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' })).toBe(true);
  });
  test('Equal needs the same value, effects must match, other keys never match', () => {
    expect(tolerates({ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present' }, GPU_TAINT)).toBe(false);
    expect(tolerates({ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' }, GPU_TAINT)).toBe(false);
    expect(tolerates({ key: 'dedicated', operator: 'Exists' }, GPU_TAINT)).toBe(false);
    expect(tolerates({ operator: 'Exists' }, GPU_TAINT)).toBe(true);
  });
});

describe('pod shutdown and resources', () => {
  test('the grace period exceeds preStop sleep plus drain, rounding up', () => {
    expect(gracePeriodSeconds(10_000, 5_000)).toBe(20);
    expect(gracePeriodSeconds(10_500, 0)).toBeGreaterThan(10.5);
  });
  test('deploy-spec resources override defaults; GPU pods request and limit one GPU', () => {
    const r = resourceRequirements({ requests: { cpu: '1' }, limits: { memory: '4Gi' } }, true);
    expect(r.requests).toEqual({ cpu: '1', memory: '512Mi', 'nvidia.com/gpu': '1' });
    expect(r.limits).toEqual({ cpu: '2', memory: '4Gi', 'nvidia.com/gpu': '1' });
    expect(resourceRequirements(undefined, false).limits['nvidia.com/gpu']).toBeUndefined();
  });
});

describe('objectName', () => {
  test('prefixes once, normalises and truncates to 63 characters', () => {
    expect(objectName('keelson', 'keelson-gpu-alerts')).toBe('keelson-gpu-alerts');
    expect(objectName('keelson', 'SLO: Availability')).toBe('keelson-slo-availability');
    expect(objectName('keelson', 'x'.repeat(80), '-dashboard')).toHaveLength(63);
  });
});

describe('gatewayPlan', () => {
  test('GKE uses its own class behind Google front ends; other clusters get Envoy Gateway', () => {
    expect(gatewayPlan('gke', undefined, 'ns')).toMatchObject({ installEnvoy: false, gatewayClassName: 'gke-l7-global-external-managed', gkeHealthChecks: true, source: { kind: 'google-front-ends' } });
    expect(gatewayPlan('eks', undefined, 'ns')).toMatchObject({ installEnvoy: true, source: { kind: 'namespace', namespace: 'envoy-gateway-system' } });
  });
  test('a configured GatewayClass is used as is, its proxies admitted from the configured namespace', () => {
    expect(gatewayPlan('gke', 'istio', 'istio-ingress')).toEqual({
      installEnvoy: false,
      gatewayClassName: 'istio',
      source: { kind: 'namespace', namespace: 'istio-ingress' },
      gkeHealthChecks: false,
    });
  });
});
