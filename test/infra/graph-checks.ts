/**
 * Assertions every provider mode must satisfy, registered as tests by each `program-*.test.ts`:
 * the service wiring (probes, scrape, drain), dashboards and rules, traffic weights, pinned charts,
 * schema validity of every Kubernetes object, and compliance with the policy pack.
 */
import { expect, test } from 'vitest';
import { buildDashboards, buildRuleGroups } from '../../dashboards/index.js';
import { isDigestPinned } from '../../contract/deploy-spec.js';
import { durationMs } from '../../contract/duration.js';
import * as policies from '../../infra/policy/policies.js';
import { CHARTS, isPinnedVersion } from '../../infra/versions.js';
import { ofKind, ofType, single, type ProgramRun } from './harness.js';
import { policyArgs, violations } from './policy-args.js';
import { hasSchema, NO_SCHEMA, gvk, validateKubernetesObject } from './schemas.js';

export interface Expectations {
  stack: string;
  namespace: string;
  drainTimeout: string;
  preStopSleep: string;
  image: string;
}

const contains = (labels: Record<string, string>, subset: Record<string, string>) =>
  Object.entries(subset).every(([k, v]) => labels?.[k] === v);

/** Registers the shared graph tests; `getRun` returns the program run made in `beforeAll`. */
export function registerGraphChecks(getRun: () => ProgramRun, want: Expectations): void {
  registerOrderingChecks(getRun);
  const stable = () => single(getRun(), 'Deployment', 'keelson-stable').inputs;
  const container = () => stable().spec.template.spec.containers[0];

  test('the stable Deployment runs the digest-pinned image from the deploy spec', () => {
    expect(container().image).toBe(want.image);
    expect(isDigestPinned(container().image)).toBe(true);
    expect(stable().metadata.namespace).toBe(want.namespace);
  });

  test('probes hit the health paths on the probe port 9090 (--metrics-port, the probe thread); traffic goes to 8080', () => {
    const c = container();
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'probes', containerPort: 9090, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/v2/health/live', port: 'probes' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'probes' });
    expect(c.startupProbe.httpGet.port).toBe('probes');
    expect(c.args.join(' ')).toContain('--port 8080 --metrics-port 9090');
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
  });

  test('the grace period covers the preStop sleep plus the drain timeout', () => {
    const pod = stable().spec.template.spec;
    const drainSeconds = durationMs(want.drainTimeout, 'drainTimeout') / 1000;
    const sleepSeconds = pod.containers[0].lifecycle.preStop.sleep.seconds;
    expect(sleepSeconds).toBe(durationMs(want.preStopSleep, 'preStopSleep') / 1000);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds + sleepSeconds);
    expect(pod.containers[0].env).toContainEqual({ name: 'KEELSON_DRAIN_TIMEOUT', value: `${drainSeconds * 1000}ms` });
  });

  test('the ServiceMonitor selects a Service that selects the pods, on the metrics port, with the variant label', () => {
    const run = getRun();
    const monitor = single(run, 'ServiceMonitor').inputs;
    const services = ofKind(run, 'Service').filter((s) => contains(s.inputs.metadata.labels, monitor.spec.selector.matchLabels));
    expect(services.map((s) => s.inputs.metadata.name)).toEqual(['keelson-metrics']);
    const service = services[0]!.inputs;
    expect(monitor.spec.namespaceSelector.matchNames).toContain(service.metadata.namespace);
    const endpoint = monitor.spec.endpoints[0];
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(endpoint.port);
    expect(endpoint.path).toBe('/metrics');
    expect(contains(stable().spec.template.metadata.labels, service.spec.selector)).toBe(true);
    expect(monitor.spec.podTargetLabels).toContain('variant');
    expect(stable().spec.template.metadata.labels.variant).toBe('stable');
  });

  test('every dashboard from dashboards/ is a ConfigMap the Grafana sidecar loads', () => {
    const maps = ofKind(getRun(), 'ConfigMap').filter((m) => m.inputs.metadata.labels?.grafana_dashboard === '1');
    const provisioned = maps.flatMap((m) => Object.values(m.inputs.data as Record<string, string>).map((json) => JSON.parse(json).uid));
    const expected = buildDashboards().map((d) => d.uid);
    expect(expected.length).toBeGreaterThan(0);
    expect(provisioned.sort()).toEqual([...expected].sort());
  });

  test('every rule group from dashboards/ is a PrometheusRule, unchanged', () => {
    const groups = ofKind(getRun(), 'PrometheusRule').flatMap((r) => r.inputs.spec.groups);
    const expected = buildRuleGroups().groups;
    expect(expected.length).toBeGreaterThan(0);
    expect(groups.map((g: { name: string }) => g.name).sort()).toEqual(expected.map((g) => g.name).sort());
    for (const group of expected) expect(groups.find((g: { name: string }) => g.name === group.name)).toEqual(group);
  });

  test('the HTTPRoute sends 100% to stable and 0% to canary through the keelson Gateway', () => {
    const run = getRun();
    const route = single(run, 'HTTPRoute').inputs;
    const refs = route.spec.rules[0].backendRefs;
    expect(refs.map((r: { name: string; weight: number }) => [r.name, r.weight])).toEqual([['keelson-stable', 100], ['keelson-canary', 0]]);
    for (const ref of refs) {
      const service = single(run, 'Service', ref.name).inputs;
      expect(service.spec.ports.map((p: { port: number }) => p.port)).toContain(ref.port);
    }
    expect(single(run, 'Gateway', route.spec.parentRefs[0].name).inputs.metadata.namespace).toBe(route.metadata.namespace);
  });

  test('every Helm release is pinned to the version in infra/versions.ts and has an explicit name', () => {
    const releases = ofType(getRun(), 'kubernetes:helm.sh/v3:Release');
    expect(releases.length).toBeGreaterThan(0);
    const pinned = Object.values(CHARTS);
    for (const { inputs } of releases) {
      expect(isPinnedVersion(inputs.version), `${inputs.chart} version ${inputs.version}`).toBe(true);
      expect(inputs.name, `${inputs.chart} release name`).toMatch(/^[a-z][a-z0-9-]+$/);
      const chart = pinned.find((c) => inputs.chart === c.chart || inputs.chart === `${c.repo}/${c.chart}`);
      expect(chart?.version, `${inputs.chart}`).toBe(inputs.version);
    }
  });

  test('every Kubernetes object validates against its schema (ECK kinds excepted: no schema is published)', () => {
    const objects = getRun().resources.filter((r) => r.type.startsWith('kubernetes:') && r.inputs.kind);
    const unvalidated = new Set<string>();
    for (const { inputs, name } of objects) {
      if (!hasSchema(inputs)) {
        unvalidated.add(gvk(inputs));
        continue;
      }
      expect(() => validateKubernetesObject(inputs), `${gvk(inputs)} ${name}`).not.toThrow();
    }
    expect([...unvalidated].every((kind) => NO_SCHEMA.has(kind)), [...unvalidated].join(', ')).toBe(true);
  });

  test('the program complies with its own policy pack', async () => {
    const found: string[] = [];
    for (const resource of getRun().resources) {
      const args = policyArgs(resource.type, resource.inputs, want.stack, resource.name);
      for (const policy of Object.values(policies)) found.push(...(await violations(policy, args)));
    }
    expect(found).toEqual([]);
  });
}

/** Resource options the mocks cannot see, recorded by the harness's stack transformation. */
export function registerOrderingChecks(getRun: () => ProgramRun): void {
  test('the rollout owns the HTTPRoute weights: Pulumi ignores changes to them', () => {
    const route = getRun().resources.find((r) => r.inputs.kind === 'HTTPRoute')!;
    expect(route.ignoreChanges).toEqual(['spec.rules[0].backendRefs[0].weight', 'spec.rules[0].backendRefs[1].weight']);
    const deployment = getRun().resources.find((r) => r.inputs.kind === 'Deployment')!;
    expect(deployment.ignoreChanges).toEqual(['spec.replicas']);
  });

  test('every monitoring custom resource waits for the release that installs the CRDs', () => {
    const stack = ofType(getRun(), 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === CHARTS.kubePrometheusStack.chart)!;
    const key = `${stack.type}::${stack.name}`;
    const custom = getRun().resources.filter((r) => r.type.startsWith('kubernetes:monitoring.coreos.com/'));
    expect(custom.length).toBeGreaterThan(1);
    for (const resource of custom) expect(resource.dependsOn, `${resource.type} ${resource.name}`).toContain(key);
    const operator = ofType(getRun(), 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === CHARTS.gpuOperator.chart);
    if (operator) expect(operator.dependsOn).toContain(key); // its DCGM ServiceMonitor needs the CRD too
  });
}
