/** `renderService`: the cluster canary's objects pass their published schemas and say what the deploy spec says. */
import { describe, expect, test } from 'vitest';
import { loadDeploySpec, parseDeploySpec, type DeploySpec } from '../../contract/deploy-spec.js';
import { judgeEndpoint, renderService, type KubeObject } from '../../infra/render/index.js';
import type { Json } from './harness.js';
import { hasSchema, validateKubernetesObject } from './schemas.js';

const production = loadDeploySpec('deploy/production.yaml');
const DIGEST = `ghcr.io/keelson-dev/keelson@sha256:${'b'.repeat(64)}`;

function specWith(rollout: Partial<DeploySpec['rollout']>, image: string | undefined = DIGEST): DeploySpec {
  return { ...production, service: { ...production.service, image }, rollout: { ...production.rollout, ...rollout } };
}
const find = (objects: KubeObject[], kind: string, name?: string): Json =>
  objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name)) as Json;

describe('renderService on deploy/production.yaml', () => {
  const objects = renderService(production, { namespace: 'keelson' });

  test('every object passes its published schema', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'ServiceAccount/keelson-judge', 'Deployment/keelson-judge', 'Service/keelson-judge', 'ServiceMonitor/keelson-judge',
      'PodDisruptionBudget/keelson-judge', 'NetworkPolicy/keelson-judge',
      'ServiceAccount/keelson', 'AnalysisTemplate/keelson-judge', 'Service/keelson-stable', 'Service/keelson-canary',
      'HTTPRoute/keelson', 'Rollout/keelson', 'PodDisruptionBudget/keelson', 'HorizontalPodAutoscaler/keelson', 'NetworkPolicy/keelson',
    ]);
    for (const object of objects) {
      expect(hasSchema(object), `${object.apiVersion}/${object.kind}`).toBe(true);
      expect(() => validateKubernetesObject(object as unknown as Record<string, unknown>), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  test('the Rollout has one experiment per step, baseline and canary at the step weight, judged by keelson-judge', () => {
    const canary = find(objects, 'Rollout').spec.strategy.canary;
    expect(canary.stableService).toBe('keelson-stable');
    expect(canary.canaryService).toBe('keelson-canary');
    expect(canary.trafficRouting.plugins['argoproj-labs/gatewayAPI'].httpRoute).toBe('keelson');
    expect(canary.steps).toHaveLength(production.rollout.steps.length);
    canary.steps.forEach((step: Json, i: number) => {
      const weight = production.rollout.steps[i];
      expect(step.setWeight).toBeUndefined();
      expect(step.experiment.templates.map((t: Json) => [t.name, t.specRef, t.weight])).toEqual([['baseline', 'stable', weight], ['canary', 'canary', weight]]);
      const [analysis] = step.experiment.analyses;
      expect(analysis.templateName).toBe('keelson-judge');
      expect(analysis.requiredForCompletion).toBe(true);
      expect(analysis.args).toEqual([
        { name: 'baseline-hash', value: '{{templates.baseline.podTemplateHash}}' },
        { name: 'canary-hash', value: '{{templates.canary.podTemplateHash}}' },
        { name: 'canary-weight', value: String(weight) },
      ]);
    });
    // 3 replicas: 5% and 25% get one pod per arm, 50% two.
    expect(canary.steps.map((s: Json) => s.experiment.templates[0].replicas)).toEqual([1, 1, 2]);
  });

  test('the Rollout keeps the Deployment pod template: image, probes on the probe port, hardening', () => {
    const rollout = find(objects, 'Rollout').spec;
    expect(rollout.rollbackWindow).toEqual({ revisions: 3 });
    const container = rollout.template.spec.containers[0];
    expect(container.image).toBe(production.service.image);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/v2/health/ready', port: 'probes' });
    expect(container.securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
    expect(rollout.template.metadata.labels.variant).toBeUndefined();
    expect(rollout.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'keelson', 'app.kubernetes.io/component': 'inference' });
  });

  test('the AnalysisTemplate posts to the judge and reads its decision', () => {
    const metric = find(objects, 'AnalysisTemplate').spec.metrics[0];
    expect(metric).toMatchObject({ interval: '60s', count: 10, consecutiveSuccessLimit: 1, failureLimit: 0, inconclusiveLimit: 10 });
    expect(metric.successCondition).toBe("result.decision == 'promote'");
    expect(metric.failureCondition).toBe("result.decision == 'rollback'");
    const web = metric.provider.web;
    expect(web).toMatchObject({ url: judgeEndpoint('keelson'), method: 'POST', jsonPath: '{$.verdict}' });
    expect(web.url).toBe('http://keelson-judge.keelson.svc:8080/v1/judge');
    expect(web.jsonBody.arms).toEqual({ baseline: '{{args.baseline-hash}}', canary: '{{args.canary-hash}}' });
    expect(web.jsonBody.analysis.minStepRequests).toBe(500);
    // rollout.analysisTimeout (default 10m): the judge's last look in that window is final, as on the local platform.
    expect(web.jsonBody.analysis.timeoutSeconds).toBe(600);
  });

  test('the HPA scales the Rollout; the route starts all on stable', () => {
    expect(find(objects, 'HorizontalPodAutoscaler').spec.scaleTargetRef).toEqual({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'keelson' });
    const refs = find(objects, 'HTTPRoute').spec.rules[0].backendRefs;
    expect(refs.map((r: Json) => [r.name, r.weight])).toEqual([['keelson-stable', 100], ['keelson-canary', 0]]);
  });
});

describe('renderService follows the spec and refuses what Argo cannot run', () => {
  test('interval, analysis timeout, rollback window and judge policy come from the spec', () => {
    const objects = renderService(specWith({ steps: [10, 50], interval: '30s', analysisTimeout: '5m', rollbackWindow: 0, judge: { minRequestsPerArm: 200 } }));
    const metric = find(objects, 'AnalysisTemplate').spec.metrics[0];
    expect(metric).toMatchObject({ interval: '30s', count: 10 });
    expect(metric.provider.web.jsonBody.policy).toEqual({ minRequestsPerArm: 200 });
    const rollout = find(objects, 'Rollout').spec;
    expect(rollout.rollbackWindow).toEqual({ revisions: 0 });
    expect(rollout.strategy.canary.steps.map((s: Json) => s.experiment.templates[1].weight)).toEqual([10, 50]);
    for (const object of objects) expect(() => validateKubernetesObject(object as unknown as Record<string, unknown>)).not.toThrow();
  });

  test('a step above 50 is refused, naming rollout.steps[i]', () => {
    expect(() => renderService(specWith({ steps: [5, 25, 60] }), { source: 'deploy/production.yaml' })).toThrow(
      /deploy\/production\.yaml: invalid deploy spec\n {2}- rollout\.steps\[2\] = 60: expected a percentage in \(0, 50\]/,
    );
  });

  test('a tag instead of a digest is refused, naming service.image', () => {
    expect(() => renderService(specWith({}, 'ghcr.io/keelson-dev/keelson:latest'))).toThrow(/service\.image = "ghcr\.io\/keelson-dev\/keelson:latest": expected an image pinned by digest/);
    const text = `environment: production\nmodel: {name: m, version: "1", uri: u, sha256: ${'a'.repeat(64)}}\nservice: {image: "nginx:latest", replicas: 2}\nrollout: {steps: [5], interval: 1m, minStepRequests: 1}\n`;
    expect(() => renderService(parseDeploySpec(text, 'deploy/production.yaml'))).toThrow(/service\.image = "nginx:latest": expected an image pinned by digest/);
  });

  test('an interval Argo cannot count in seconds is refused', () => {
    expect(() => renderService(specWith({ interval: '1500ms' }))).toThrow(/rollout\.interval = "1500ms": expected whole seconds/);
  });
});

describe('the judge ships with the release', () => {
  const labelsMatch = (labels: Record<string, string>, selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

  test('it runs the release image as keelson judge serve at the spec interval, against the given Prometheus', () => {
    const objects = renderService(specWith({ interval: '30s' }), { namespace: 'ml', prometheusUrl: 'http://prom.obs.svc:9090', rolloutsNamespace: 'rollouts' });
    const container = find(objects, 'Deployment', 'keelson-judge').spec.template.spec.containers[0];
    expect(container.image).toBe(DIGEST);
    expect([...container.command, ...container.args]).toEqual([
      'node', 'bin/keelson.mjs', 'judge', 'serve', '--prometheus', 'http://prom.obs.svc:9090', '--host', '0.0.0.0', '--port', '8080', '--interval', '30s',
    ]);
    expect(find(objects, 'AnalysisTemplate').spec.metrics[0].interval).toBe('30s');
    const ingress = find(objects, 'NetworkPolicy', 'keelson-judge').spec.ingress[0].from;
    expect(ingress[0].namespaceSelector.matchLabels).toEqual({ 'kubernetes.io/metadata.name': 'rollouts' });
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['ml']));
  });

  test("judge pods are hardened and stay out of the inference Services' and policies' selectors", () => {
    const objects = renderService(production);
    const pod = find(objects, 'Deployment', 'keelson-judge').spec.template;
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    for (const name of ['keelson-stable', 'keelson-canary']) expect(labelsMatch(pod.metadata.labels, find(objects, 'Service', name).spec.selector)).toBe(false);
    expect(labelsMatch(pod.metadata.labels, find(objects, 'NetworkPolicy', 'keelson').spec.podSelector.matchLabels)).toBe(false);
    expect(labelsMatch(pod.metadata.labels, find(objects, 'Service', 'keelson-judge').spec.selector)).toBe(true);
  });
});

describe('the Argo Rollouts schemas really check', () => {
  test('a string weight in an experiment template and a web metric without a url are refused', () => {
    const objects = renderService(production);
    const rollout = structuredClone(find(objects, 'Rollout'));
    rollout.spec.strategy.canary.steps[0].experiment.templates[0].weight = 'five';
    expect(() => validateKubernetesObject(rollout)).toThrow(/weight must be integer/);
    const template = structuredClone(find(objects, 'AnalysisTemplate'));
    delete template.spec.metrics[0].provider.web.url;
    expect(() => validateKubernetesObject(template)).toThrow(/provider\/web must have required property url/);
  });
});

describe('renderService with a bearer token Secret and TLS (keelson:inferenceAuth, keelson:tls)', () => {
  const objects = renderService(production, { hostname: 'keelson.example.com', inferenceAuth: { secretName: 'keelson-auth' }, tls: { secretName: 'keelson-tls' } });

  test('every object still passes its schema; the Rollout mounts the Secret read-only and passes it as --auth-token-file', () => {
    for (const object of objects) expect(() => validateKubernetesObject(object as unknown as Record<string, unknown>), `${object.kind}/${object.metadata.name}`).not.toThrow();
    const pod = find(objects, 'Rollout').spec.template.spec;
    const container = pod.containers[0];
    expect(container.args.slice(-2)).toEqual(['--auth-token-file', '/var/run/secrets/keelson/auth/tokens']);
    expect(container.volumeMounts).toContainEqual({ name: 'auth-tokens', mountPath: '/var/run/secrets/keelson/auth', readOnly: true });
    expect(pod.volumes.find((v: Json) => v.name === 'auth-tokens').projected).toEqual({ defaultMode: 0o440, sources: [{ secret: { name: 'keelson-auth', items: [{ key: 'tokens', path: 'tokens' }] } }] });
    // Probes stay on the probe port, which serves no authenticated route.
    expect(container.readinessProbe.httpGet.port).toBe('probes');
  });

  test('the route attaches to the HTTPS listener only; without the options nothing changes', () => {
    expect(find(objects, 'HTTPRoute').spec.parentRefs).toEqual([{ name: 'keelson', sectionName: 'https' }]);
    const plain = renderService(production);
    expect(find(plain, 'HTTPRoute').spec.parentRefs).toEqual([{ name: 'keelson' }]);
    expect(find(plain, 'Rollout').spec.template.spec.containers[0].args).not.toContain('--auth-token-file');
    expect(find(plain, 'Rollout').spec.template.spec.volumes.map((v: Json) => v.name)).toEqual(['tmp']);
  });

  test('TLS without a host name is refused, naming the Secret', () => {
    expect(() => renderService(production, { tls: { secretName: 'keelson-tls' } })).toThrow('TLS with Secret keelson-tls needs a hostname');
  });
});
