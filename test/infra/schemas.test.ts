/** The schema check used on the program's objects really rejects invalid fields. */
import { describe, expect, test } from 'vitest';
import { podTemplate } from '../../infra/render/pod.js';
import { httpRouteSpec, serviceMonitorSpec } from '../../infra/render/traffic.js';
import type { Json } from './harness.js';
import { validateKubernetesObject } from './schemas.js';

const pod = podTemplate({
  variant: 'stable',
  image: `r/k@sha256:${'a'.repeat(64)}`,
  model: { name: 'penguins', version: '2' },
  gpu: false,
  drainTimeoutMs: 10_000,
  preStopSleepMs: 5_000,
  logLevel: 'info',
  serviceAccountName: 'keelson',
});
const deployment = (template: unknown) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'keelson-stable' },
  spec: { replicas: 2, selector: { matchLabels: { a: 'b' } }, template },
});

describe('kubernetes-models validation', () => {
  test('accepts the generated Deployment, ServiceMonitor and HTTPRoute', () => {
    expect(() => validateKubernetesObject(deployment(pod))).not.toThrow();
    const meta = { name: 'keelson', namespace: 'keelson' };
    expect(() => validateKubernetesObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta, spec: serviceMonitorSpec('keelson') })).not.toThrow();
    expect(() => validateKubernetesObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta, spec: httpRouteSpec() })).not.toThrow();
  });

  test('rejects a container port given as a string', () => {
    const broken = structuredClone(pod) as Json;
    broken.spec.containers[0].ports[0].containerPort = '8080';
    expect(() => validateKubernetesObject(deployment(broken))).toThrow(/containerPort must be integer/);
  });

  test('rejects a probe without a handler port and a ServiceMonitor interval that is not a duration', () => {
    const broken = structuredClone(pod) as Json;
    delete broken.spec.containers[0].readinessProbe.httpGet.port;
    expect(() => validateKubernetesObject(deployment(broken))).toThrow(/readinessProbe\/httpGet must have required property port/);
    const spec = serviceMonitorSpec('keelson');
    spec.endpoints[0]!.interval = 'every 15 seconds';
    expect(() => validateKubernetesObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'm' }, spec })).toThrow(/interval must match pattern/);
  });

  test('rejects an HTTPRoute weight that is not a number', () => {
    const spec = httpRouteSpec() as Json;
    spec.rules[0].backendRefs[0].weight = 'all';
    expect(() => validateKubernetesObject({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: { name: 'r' }, spec })).toThrow(/weight must be integer/);
  });
});
