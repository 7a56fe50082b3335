/** Each policy in the pack against a compliant and a violating synthetic resource. */
import { describe, expect, test } from 'vitest';
import {
  analysisFailsClosed,
  endpointProtectedAdvisory,
  gpuNodesTainted,
  gpuPodsTolerateTaint,
  imagesPinnedByDigest,
  noPublicLoadBalancer,
  nonRootWithLimits,
  productionReplicas,
  productionEndpointProtected,
  productionRolloutAnalysis,
} from '../../infra/policy/policies.js';
import type { StackValidationArgs, StackValidationPolicy } from '@pulumi/policy';
import { gatewaySpec } from '../../infra/render/traffic.js';
import { renderService } from '../../infra/render/index.js';
import { loadDeploySpec } from '../../contract/deploy-spec.js';
import type { Json } from './harness.js';
import { policyArgs, violations } from './policy-args.js';

const DIGEST = `registry.example.com/keelson@sha256:${'a'.repeat(64)}`;
const DEPLOYMENT = 'kubernetes:apps/v1:Deployment';

function deployment(container: Record<string, unknown>, pod: Record<string, unknown> = {}, replicas = 2) {
  return {
    metadata: { name: 'web' },
    spec: {
      replicas,
      template: {
        spec: {
          securityContext: { runAsNonRoot: true, runAsUser: 10001 },
          containers: [{ name: 'app', image: DIGEST, resources: { limits: { cpu: '1', memory: '1Gi' } }, ...container }],
          ...pod,
        },
      },
    },
  };
}

describe('non-root with limits', () => {
  test('passes a non-root container with CPU and memory limits', async () => {
    expect(await violations(nonRootWithLimits, policyArgs(DEPLOYMENT, deployment({})))).toEqual([]);
  });
  test('flags root and a missing memory limit, naming the container', async () => {
    const props = deployment({ securityContext: { runAsUser: 0 }, resources: { limits: { cpu: '1' } } });
    const found = await violations(nonRootWithLimits, policyArgs(DEPLOYMENT, props));
    expect(found).toHaveLength(2);
    expect(found[0]).toContain('Deployment web: container "app" runAsNonRoot = true, runAsUser = 0');
    expect(found[1]).toContain('no memory limit');
  });
  test('checks bare Pods and CronJobs too', async () => {
    const pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: DIGEST }] } };
    expect(await violations(nonRootWithLimits, policyArgs('kubernetes:core/v1:Pod', pod))).toHaveLength(3);
  });
});

describe('GPU pods tolerate the GPU taint', () => {
  const gpu = { resources: { limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': '1' } } };
  test('passes a GPU pod with the toleration and the GPU node selector', async () => {
    const props = deployment(gpu, {
      tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
      nodeSelector: { 'node-role': 'gpu' },
    });
    expect(await violations(gpuPodsTolerateTaint, policyArgs(DEPLOYMENT, props))).toEqual([]);
  });
  test('flags a GPU pod with a toleration for the wrong value and no node selector', async () => {
    const props = deployment(gpu, { tolerations: [{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }] });
    const found = await violations(gpuPodsTolerateTaint, policyArgs(DEPLOYMENT, props));
    expect(found).toHaveLength(2);
    expect(found[0]).toContain('expected one tolerating nvidia.com/gpu=true:NoSchedule');
    expect(found[1]).toContain('nodeSelector {}');
  });
  test('ignores pods that do not ask for a GPU', async () => {
    expect(await violations(gpuPodsTolerateTaint, policyArgs(DEPLOYMENT, deployment({})))).toEqual([]);
  });
});

describe('GPU nodes carry the taint', () => {
  const mng = 'eks:index:ManagedNodeGroup';
  test('passes an NVIDIA managed node group with the taint and label', async () => {
    const props = { amiType: 'AL2023_x86_64_NVIDIA', labels: { 'node-role': 'gpu' }, taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }] };
    expect(await violations(gpuNodesTainted, policyArgs(mng, props))).toEqual([]);
  });
  test('flags an NVIDIA node group without the taint', async () => {
    const props = { amiType: 'AL2023_x86_64_NVIDIA', labels: { 'node-role': 'gpu' } };
    expect(await violations(gpuNodesTainted, policyArgs(mng, props))).toEqual([
      expect.stringContaining('taints []: expected nvidia.com/gpu=true with effect NO_SCHEDULE'),
    ]);
  });
  test('flags a GKE pool with accelerators but a PreferNoSchedule taint and no label', async () => {
    const props = { nodeConfig: { guestAccelerators: [{ type: 'nvidia-l4', count: 1 }], taints: [{ key: 'nvidia.com/gpu', value: 'true', effect: 'PREFER_NO_SCHEDULE' }] } };
    expect(await violations(gpuNodesTainted, policyArgs('gcp:container/nodePool:NodePool', props))).toHaveLength(2);
  });
  test('ignores CPU node groups', async () => {
    expect(await violations(gpuNodesTainted, policyArgs(mng, { amiType: 'AL2023_x86_64_STANDARD' }))).toEqual([]);
  });
});

describe('images pinned by digest', () => {
  test('passes a digest reference', async () => {
    expect(await violations(imagesPinnedByDigest, policyArgs(DEPLOYMENT, deployment({})))).toEqual([]);
  });
  test('flags a tag, init containers included', async () => {
    const props = deployment({ image: 'nginx:1.27' }, { initContainers: [{ name: 'init', image: 'busybox' }] });
    const found = await violations(imagesPinnedByDigest, policyArgs(DEPLOYMENT, props));
    expect(found).toEqual([expect.stringContaining('"init" image "busybox"'), expect.stringContaining('"app" image "nginx:1.27"')]);
  });
});

describe('no public LoadBalancer except the gateway', () => {
  const service = (metadata: Record<string, unknown>) => ({ metadata: { name: 'svc', ...metadata }, spec: { type: 'LoadBalancer' } });
  const SERVICE = 'kubernetes:core/v1:Service';
  test('passes an internal load balancer and a gateway-owned one', async () => {
    const internal = service({ annotations: { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' } });
    const gateway = service({ labels: { 'gateway.envoyproxy.io/owning-gateway-name': 'keelson' } });
    expect(await violations(noPublicLoadBalancer, policyArgs(SERVICE, internal))).toEqual([]);
    expect(await violations(noPublicLoadBalancer, policyArgs(SERVICE, gateway))).toEqual([]);
  });
  test('flags a public LoadBalancer Service', async () => {
    expect(await violations(noPublicLoadBalancer, policyArgs(SERVICE, service({})))).toEqual([expect.stringContaining('Service svc: type LoadBalancer')]);
  });
  test('flags Helm values that expose Grafana through a LoadBalancer', async () => {
    const release = { chart: 'kube-prometheus-stack', name: 'kps', values: { grafana: { service: { type: 'LoadBalancer' } } } };
    expect(await violations(noPublicLoadBalancer, policyArgs('kubernetes:helm.sh/v3:Release', release))).toEqual([
      expect.stringContaining('values.grafana.service.type = "LoadBalancer"'),
    ]);
  });
});

describe('at least two replicas in production', () => {
  test('passes two replicas in production and one in dev', async () => {
    expect(await violations(productionReplicas, policyArgs(DEPLOYMENT, deployment({}, {}, 2), 'production'))).toEqual([]);
    expect(await violations(productionReplicas, policyArgs(DEPLOYMENT, deployment({}, {}, 1), 'dev'))).toEqual([]);
  });
  test('flags one replica in the production stack, or a production-labelled HPA with minReplicas 1', async () => {
    expect(await violations(productionReplicas, policyArgs(DEPLOYMENT, deployment({}, {}, 1), 'production'))).toEqual([
      'Deployment web: replicas = 1 in production: expected at least 2',
    ]);
    const hpa = { metadata: { name: 'h', labels: { 'keelson.dev/environment': 'production' } }, spec: { minReplicas: 1 } };
    expect(await violations(productionReplicas, policyArgs('kubernetes:autoscaling/v2:HorizontalPodAutoscaler', hpa, 'dev'))).toHaveLength(1);
  });
});

const ROLLOUT = 'kubernetes:argoproj.io/v1alpha1:Rollout';
const TEMPLATE = 'kubernetes:argoproj.io/v1alpha1:AnalysisTemplate';
const rendered = renderService(loadDeploySpec('deploy/production.yaml'));
const renderedRollout = () => structuredClone(rendered.find((o) => o.kind === 'Rollout')!) as Record<string, Json>;
const renderedTemplate = () => structuredClone(rendered.find((o) => o.kind === 'AnalysisTemplate')!) as Record<string, Json>;

describe('production Rollouts are judged', () => {
  test('passes the rendered Rollout (an experiment per step, each judged by keelson-judge)', async () => {
    expect(await violations(productionRolloutAnalysis, policyArgs(ROLLOUT, renderedRollout(), 'production'))).toEqual([]);
  });
  test('flags plain setWeight steps without analysis in production, not in dev', async () => {
    const rollout = renderedRollout();
    rollout.spec.strategy.canary.steps = [{ setWeight: 20 }, { pause: { duration: '1m' } }, { setWeight: 50 }];
    expect(await violations(productionRolloutAnalysis, policyArgs(ROLLOUT, rollout, 'production'))).toEqual([
      expect.stringContaining('Rollout keelson: no step or background analysis references an AnalysisTemplate in production'),
    ]);
    rollout.metadata.labels['keelson.dev/environment'] = 'dev';
    expect(await violations(productionRolloutAnalysis, policyArgs(ROLLOUT, rollout, 'production'))).toEqual([]);
  });
  test('passes background analysis; flags an experiment step without analyses and a blue-green Rollout', async () => {
    const background = renderedRollout();
    background.spec.strategy.canary.steps = [{ setWeight: 20 }, { pause: {} }];
    background.spec.strategy.canary.analysis = { templates: [{ templateName: 'keelson-judge' }] };
    expect(await violations(productionRolloutAnalysis, policyArgs(ROLLOUT, background, 'production'))).toEqual([]);
    const unjudged = renderedRollout();
    unjudged.spec.strategy.canary.steps[1].experiment.analyses = [];
    expect(await violations(productionRolloutAnalysis, policyArgs(ROLLOUT, unjudged, 'production'))).toEqual([
      expect.stringContaining('steps[1].experiment has no analyses'),
    ]);
    const blueGreen = renderedRollout();
    blueGreen.spec.strategy = { blueGreen: { activeService: 'keelson-stable' } };
    expect(await violations(productionRolloutAnalysis, policyArgs(ROLLOUT, blueGreen, 'production'))).toEqual([
      expect.stringContaining('strategy ["blueGreen"] in production: expected a canary strategy'),
    ]);
  });
  test('a Rollout is a workload: its image must be pinned by digest, its containers non-root, its replicas ≥ 2 in production', async () => {
    expect(await violations(imagesPinnedByDigest, policyArgs(ROLLOUT, renderedRollout()))).toEqual([]);
    const tagged = renderedRollout();
    tagged.spec.template.spec.containers[0].image = 'ghcr.io/keelson-dev/keelson:latest';
    tagged.spec.replicas = 1;
    expect(await violations(imagesPinnedByDigest, policyArgs(ROLLOUT, tagged))).toEqual([
      'Rollout keelson: container "keelson" image "ghcr.io/keelson-dev/keelson:latest": expected name@sha256:<64 hex digits>',
    ]);
    expect(await violations(productionReplicas, policyArgs(ROLLOUT, tagged, 'production'))).toEqual(['Rollout keelson: replicas = 1 in production: expected at least 2']);
    expect(await violations(nonRootWithLimits, policyArgs(ROLLOUT, renderedRollout()))).toEqual([]);
  });
});

describe('analysis fails closed', () => {
  const metric = (template: Record<string, Json>) => template.spec.metrics[0];
  test('passes the rendered keelson-judge template', async () => {
    expect(await violations(analysisFailsClosed, policyArgs(TEMPLATE, renderedTemplate()))).toEqual([]);
  });
  test('flags a web metric with only a failureCondition: missing data would count as Successful', async () => {
    const template = renderedTemplate();
    delete metric(template).successCondition;
    expect(await violations(analysisFailsClosed, policyArgs(TEMPLATE, template))).toEqual([
      expect.stringContaining('AnalysisTemplate keelson-judge: metric "judge" has no successCondition'),
    ]);
  });
  test('flags a successCondition that accepts a missing verdict, failureLimit -1 and a dry run', async () => {
    const template = renderedTemplate();
    metric(template).successCondition = "default(result.decision, 'promote') == 'promote'";
    metric(template).failureLimit = -1;
    template.spec.dryRun = [{ metricName: 'judge' }];
    const found = await violations(analysisFailsClosed, policyArgs(TEMPLATE, template));
    expect(found).toEqual([
      expect.stringContaining('falls back on missing data'),
      expect.stringContaining('failureLimit = -1'),
      expect.stringContaining('is a dry run'),
    ]);
  });
  test('leaves metrics of other providers alone', async () => {
    const template = { metadata: { name: 'p' }, spec: { metrics: [{ name: 'errors', provider: { prometheus: { query: 'x' } } }] } };
    expect(await violations(analysisFailsClosed, policyArgs(TEMPLATE, template))).toEqual([]);
  });
});

describe('the inference endpoint is protected in production (stack policy)', () => {
  const spec = { ...loadDeploySpec('deploy/production.yaml'), environment: 'staging' };
  const asStack = (objects: { kind: string; apiVersion: string; metadata: { name: string } }[], stack: string) =>
    objects.map((o) => ({ type: `kubernetes:${o.apiVersion.includes('/') ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`, props: o as unknown as Json, name: o.metadata.name, urn: `urn:pulumi:${stack}::keelson::x::${o.metadata.name}` }));
  const gateway = (tls: boolean) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'keelson' }, spec: gatewaySpec('keelson-envoy', 'keelson.example.com', tls ? { secretName: 'keelson-tls', hostname: 'keelson.example.com' } : undefined) });
  const run = async (policy: StackValidationPolicy, resources: unknown[]) => {
    const found: string[] = [];
    await policy.validateStack!({ resources } as unknown as StackValidationArgs, (message) => found.push(message ?? ''));
    return found;
  };
  const prodOpen = asStack([...renderService({ ...spec, environment: 'production' }), gateway(false)], 'production');

  test('production with neither a token nor TLS is refused (mandatory), naming the settings', async () => {
    expect(productionEndpointProtected.enforcementLevel).toBe('mandatory');
    const found = await run(productionEndpointProtected, prodOpen);
    expect(found).toEqual([expect.stringMatching(/^Rollout keelson: the inference endpoint has neither a bearer token .* nor TLS at the Gateway .*expected keelson:inferenceAuth \{"secretName": .*keelson:tls \{"secretName": .* with keelson:hostname/) as unknown]);
    expect(await run(endpointProtectedAdvisory, prodOpen)).toEqual([]);
  });

  test('a token alone, or TLS alone, passes in production', async () => {
    const withToken = asStack([...renderService({ ...spec, environment: 'production' }, { inferenceAuth: { secretName: 'keelson-auth' } }), gateway(false)], 'production');
    const withTls = asStack([...renderService({ ...spec, environment: 'production' }, { hostname: 'keelson.example.com', tls: { secretName: 'keelson-tls' } }), gateway(true)], 'production');
    expect(await run(productionEndpointProtected, withToken)).toEqual([]);
    expect(await run(productionEndpointProtected, withTls)).toEqual([]);
  });

  test('outside production the same open endpoint is only an advisory; the environment label wins over the stack name', async () => {
    expect(endpointProtectedAdvisory.enforcementLevel).toBe('advisory');
    const staging = asStack([...renderService(spec), gateway(false)], 'production');
    expect(await run(productionEndpointProtected, staging)).toEqual([]);
    expect(await run(endpointProtectedAdvisory, staging)).toHaveLength(1);
  });
});
