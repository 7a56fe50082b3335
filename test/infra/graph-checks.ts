/**
 * Assertions every provider mode must satisfy, registered as tests by each `program-*.test.ts`:
 * the service wiring (probes, scrape, drain), dashboards and rules, traffic weights, pinned charts,
 * schema validity of every Kubernetes object, and compliance with the policy pack.
 */
import { expect, test } from 'vitest';
import { buildDashboards, buildRuleGroups } from '../../dashboards/index.js';
import { isDigestPinned } from '../../contract/deploy-spec.js';
import { loadDeploySpec } from '../../contract/deploy-spec.js';
import { durationMs } from '../../contract/duration.js';
import * as policies from '../../infra/policy/policies.js';
import { judgeEndpoint } from '../../infra/render/index.js';
import { CHARTS, GATEWAY_API_PLUGIN_RELEASE, isPinnedVersion } from '../../infra/versions.js';
import { ofKind, ofType, single, type Json, type ProgramRun } from './harness.js';
import { policyArgs, violations } from './policy-args.js';
import { unprotectedEndpoints } from '../../infra/policy/endpoint.js';
import { hasSchema, NO_SCHEMA, gvk, validateKubernetesObject } from './schemas.js';

export interface Expectations {
  stack: string;
  namespace: string;
  drainTimeout: string;
  preStopSleep: string;
  image: string;
  /** The deploy spec the stack deploys (`keelson:deploySpec`). */
  specPath: string;
}

const contains = (labels: Record<string, string>, subset: Record<string, string>) =>
  Object.entries(subset).every(([k, v]) => labels?.[k] === v);

/** Registers the shared graph tests; `getRun` returns the program run made in `beforeAll`. */
export function registerGraphChecks(getRun: () => ProgramRun, want: Expectations): void {
  registerOrderingChecks(getRun);
  registerRolloutChecks(getRun, want);
  const rollout = () => single(getRun(), 'Rollout', 'keelson').inputs;
  const container = () => rollout().spec.template.spec.containers[0];

  test('the Rollout runs the digest-pinned image from the deploy spec; no Deployment serves inference any more', () => {
    expect(container().image).toBe(want.image);
    expect(isDigestPinned(container().image)).toBe(true);
    expect(rollout().metadata.namespace).toBe(want.namespace);
    expect(ofKind(getRun(), 'Deployment').map((d) => d.inputs.metadata.name)).toEqual(['keelson-judge']);
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
    const pod = rollout().spec.template.spec;
    const drainSeconds = durationMs(want.drainTimeout, 'drainTimeout') / 1000;
    const sleepSeconds = pod.containers[0].lifecycle.preStop.sleep.seconds;
    expect(sleepSeconds).toBe(durationMs(want.preStopSleep, 'preStopSleep') / 1000);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds + sleepSeconds);
    expect(pod.containers[0].env).toContainEqual({ name: 'KEELSON_DRAIN_TIMEOUT', value: `${drainSeconds * 1000}ms` });
  });

  test('the ServiceMonitor selects a Service that selects the pods, on the metrics port, with the variant label and the arms\' hash', () => {
    const run = getRun();
    const monitor = single(run, 'ServiceMonitor', 'keelson').inputs;
    const services = ofKind(run, 'Service').filter((s) => contains(s.inputs.metadata.labels, monitor.spec.selector.matchLabels));
    expect(services.map((s) => s.inputs.metadata.name)).toEqual(['keelson-metrics']);
    const service = services[0]!.inputs;
    expect(monitor.spec.namespaceSelector.matchNames).toContain(service.metadata.namespace);
    const endpoint = monitor.spec.endpoints[0];
    expect(service.spec.ports.map((p: { name: string }) => p.name)).toContain(endpoint.port);
    expect(endpoint.path).toBe('/metrics');
    expect(contains(rollout().spec.template.metadata.labels, service.spec.selector)).toBe(true);
    // Argo sets `variant` per ReplicaSet (stableMetadata/canaryMetadata, the experiment arms' labels).
    expect(monitor.spec.podTargetLabels).toContain('variant');
    expect(rollout().spec.strategy.canary.stableMetadata.labels.variant).toBe('stable');
    // `keelson judge serve` tells the arms apart by this label (rollouts_pod_template_hash once scraped).
    expect(monitor.spec.podTargetLabels).toContain('rollouts-pod-template-hash');
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
    const route = single(run, 'HTTPRoute', 'keelson').inputs;
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
      for (const policy of Object.values(policies)) if ('validateResource' in policy) found.push(...(await violations(policy, args)));
    }
    // Stack policies see every resource at once; only the mandatory ones must pass (advisories are asserted per mode).
    const stack = getRun().resources.map((r) => ({ type: r.type, props: r.inputs, name: r.name, urn: `urn:pulumi:${want.stack}::keelson::${r.type}::${r.name}` }));
    found.push(...unprotectedEndpoints(stack, (environment) => environment === 'production'));
    expect(found).toEqual([]);
  });
}

/** True when ignoring `paths` ignores `field` too (a path covers the fields below it). */
const ignores = (paths: string[] | undefined, field: string) => (paths ?? []).some((p) => field === p || field.startsWith(`${p}.`) || field.startsWith(`${p}[`));
const resourceKey = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

/** Resource options the mocks cannot see, recorded by the harness's stack transformation. */
export function registerOrderingChecks(getRun: () => ProgramRun): void {
  test("Argo's plugin owns the HTTPRoute backends and the HPA the Rollout's replicas: Pulumi ignores both", () => {
    const route = single(getRun(), 'HTTPRoute', 'keelson');
    expect(ignores(route.ignoreChanges, 'spec.rules[0].backendRefs[0].weight')).toBe(true);
    expect(ignores(route.ignoreChanges, 'spec.rules[0].backendRefs[2]')).toBe(true); // an experiment arm's backend
    expect(ignores(route.ignoreChanges, 'spec.hostnames')).toBe(false);
    expect(ignores(single(getRun(), 'Rollout', 'keelson').ignoreChanges, 'spec.replicas')).toBe(true);
  });

  test('after the first pulumi up the pipeline owns the release: Pulumi ignores the image, model, steps and interval', () => {
    const run = getRun();
    expect(ignores(single(run, 'Rollout', 'keelson').ignoreChanges, 'spec.template.spec.containers[0].image')).toBe(true);
    expect(ignores(single(run, 'Rollout', 'keelson').ignoreChanges, 'spec.strategy.canary.steps')).toBe(true);
    expect(ignores(single(run, 'AnalysisTemplate', 'keelson-judge').ignoreChanges, 'spec.metrics')).toBe(true);
    expect(ignores(single(run, 'Deployment', 'keelson-judge').ignoreChanges, 'spec.template')).toBe(true);
    // What the stack settings decide stays Pulumi's.
    expect(single(run, 'NetworkPolicy', 'keelson').ignoreChanges ?? []).toEqual([]);
    expect(single(run, 'Service', 'keelson-judge').ignoreChanges ?? []).toEqual([]);
  });

  test('the Rollout and AnalysisTemplate wait for the Argo Rollouts release (CRDs), the route for the Gateway, the Rollout for what it names', () => {
    const run = getRun();
    const argo = resourceKey(ofType(run, 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === CHARTS.argoRollouts.chart)!);
    const rollout = single(run, 'Rollout', 'keelson');
    expect(single(run, 'AnalysisTemplate', 'keelson-judge').dependsOn).toContain(argo);
    expect(rollout.dependsOn).toContain(argo);
    for (const [kind, name] of [['AnalysisTemplate', 'keelson-judge'], ['Service', 'keelson-stable'], ['Service', 'keelson-canary'], ['HTTPRoute', 'keelson'], ['Service', 'keelson-judge']]) {
      expect(rollout.dependsOn, `${kind} ${name}`).toContain(resourceKey(single(run, kind!, name)));
    }
    expect(single(run, 'HTTPRoute', 'keelson').dependsOn).toContain(resourceKey(single(run, 'Gateway', 'keelson')));
  });

  test('every monitoring custom resource waits for the release that installs the CRDs', () => {
    const stack = ofType(getRun(), 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === CHARTS.kubePrometheusStack.chart)!;
    const key = `${stack.type}::${stack.name}`;
    const custom = getRun().resources.filter((r) => r.type.startsWith('kubernetes:monitoring.coreos.com/'));
    expect(custom.length).toBeGreaterThan(1);
    for (const resource of custom) expect(resource.dependsOn, `${resource.type} ${resource.name}`).toContain(key);
    for (const chart of [CHARTS.gpuOperator.chart, CHARTS.argoRollouts.chart]) {
      // Their ServiceMonitors (DCGM, the controller's metrics) need the CRD too.
      const release = ofType(getRun(), 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === chart);
      if (release) expect(release.dependsOn, chart).toContain(key);
    }
  });
}

/** Argo Rollouts, the judge and the Rollout as the deploy spec asks. */
export function registerRolloutChecks(getRun: () => ProgramRun, want: Expectations): void {
  const spec = loadDeploySpec(want.specPath);
  const argo = () => ofType(getRun(), 'kubernetes:helm.sh/v3:Release').find((r) => r.inputs.chart === CHARTS.argoRollouts.chart)!.inputs;

  test('Argo Rollouts: pinned chart in its namespace, controller metrics with a ServiceMonitor, the Gateway API plugin from the pinned release', () => {
    expect([argo().version, argo().repositoryOpts.repo, argo().namespace, argo().name]).toEqual([
      CHARTS.argoRollouts.version, 'https://argoproj.github.io/argo-helm', 'argo-rollouts', 'argo-rollouts',
    ]);
    expect(argo().values.controller.metrics).toEqual({
      enabled: true,
      // The Rollout's namespace back on its series (the canary dashboard and the rollout alerts filter on it).
      serviceMonitor: {
        enabled: true,
        metricRelabelings: [
          { sourceLabels: ['exported_namespace'], regex: '(.+)', targetLabel: 'namespace', replacement: '$1' },
          { action: 'labeldrop', regex: 'exported_namespace' },
        ],
      },
    });
    expect(argo().values.controller.trafficRouterPlugins).toEqual([{ name: 'argoproj-labs/gatewayAPI', location: GATEWAY_API_PLUGIN_RELEASE.url }]);
    expect(GATEWAY_API_PLUGIN_RELEASE.url).toMatch(/\/releases\/download\/v0\.15\.0\/gatewayapi-plugin-linux-amd64$/);
  });

  test("the controller's service account may patch HTTPRoutes (the chart grants get/list/watch/update only)", () => {
    const run = getRun();
    const binding = single(run, 'ClusterRoleBinding', 'keelson-argo-rollouts-gateway-api-plugin').inputs;
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: argo().values.serviceAccount.name, namespace: 'argo-rollouts' }]);
    const role = single(run, 'ClusterRole', binding.roleRef.name).inputs;
    const routes = role.rules.find((r: { resources: string[] }) => r.resources.includes('httproutes'));
    expect(routes.apiGroups).toEqual(['gateway.networking.k8s.io']);
    expect(routes.verbs).toEqual(expect.arrayContaining(['get', 'list', 'update', 'patch']));
  });

  test('the Rollout has one judged experiment per deploy-spec step, with a matched baseline, through the Gateway API plugin', () => {
    const canary = single(getRun(), 'Rollout', 'keelson').inputs.spec.strategy.canary;
    expect(canary.trafficRouting.plugins['argoproj-labs/gatewayAPI']).toEqual({ httpRoute: 'keelson', namespace: want.namespace });
    expect(canary.steps.map((s: Json) => s.experiment.templates.map((t: Json) => [t.specRef, t.weight]))).toEqual(
      spec.rollout.steps.map((w) => [['stable', w], ['canary', w]]),
    );
    for (const step of canary.steps) expect(step.experiment.analyses.map((a: Json) => a.templateName)).toEqual(['keelson-judge']);
    expect(single(getRun(), 'HorizontalPodAutoscaler', 'keelson').inputs.spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'keelson' });
  });

  test('the judge answers where the AnalysisTemplate calls it, reads the monitoring stack\'s Prometheus at the template\'s interval', () => {
    const run = getRun();
    const url = new URL(single(run, 'AnalysisTemplate', 'keelson-judge').inputs.spec.metrics[0].provider.web.url);
    expect(url.href).toBe(judgeEndpoint(want.namespace));
    expect(run.outputs.judgeInClusterUrl).toBe(url.href);
    const service = single(run, 'Service', url.hostname.split('.')[0]).inputs;
    expect(`${service.metadata.name}.${service.metadata.namespace}.svc`).toBe(url.hostname);
    expect(service.spec.ports.map((p: Json) => p.port)).toEqual([Number(url.port)]);
    const judge = single(run, 'Deployment', 'keelson-judge').inputs;
    expect(contains(judge.spec.template.metadata.labels, service.spec.selector)).toBe(true);
    const c = judge.spec.template.spec.containers[0];
    expect([...c.command, ...c.args].join(' ')).toBe(
      `node bin/keelson.mjs judge serve --prometheus ${run.outputs.prometheusInClusterUrl} --host 0.0.0.0 --port ${url.port} --interval ${durationMs(spec.rollout.interval, 'interval') / 1000}s`,
    );
    expect(single(run, 'AnalysisTemplate', 'keelson-judge').inputs.spec.metrics[0].interval).toBe(`${durationMs(spec.rollout.interval, 'interval') / 1000}s`);
    expect(c.image).toBe(want.image);
    expect(c.readinessProbe.httpGet.path).toBe('/healthz');
    expect(judge.spec.replicas).toBe(2);
    expect(single(run, 'ServiceAccount', 'keelson-judge').inputs.automountServiceAccountToken).toBe(false);
    expect(single(run, 'PodDisruptionBudget', 'keelson-judge').inputs.spec.selector.matchLabels).toEqual(service.spec.selector);
    const monitor = single(run, 'ServiceMonitor', 'keelson-judge').inputs.spec;
    expect(monitor.endpoints[0]).toMatchObject({ port: service.spec.ports[0].name, path: '/metrics' });
  });

  test("the judge admits the Argo controller's and Prometheus' namespaces on 8080 and may reach only Prometheus and DNS", () => {
    const policy = single(getRun(), 'NetworkPolicy', 'keelson-judge').inputs.spec;
    const namespaces = policy.ingress[0].from.map((p: Json) => p.namespaceSelector.matchLabels['kubernetes.io/metadata.name']);
    expect(namespaces).toEqual(['argo-rollouts', 'monitoring']);
    expect(policy.ingress[0].ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    expect(policy.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.egress.map((e: Json) => e.ports.map((p: Json) => p.port))).toEqual([[9090], [53, 53]]);
  });
}
