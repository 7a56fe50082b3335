/**
 * `renderService(spec, options)`: the deploy spec as the Kubernetes objects of the cluster canary with Argo
 * Rollouts (Rollout, judge AnalysisTemplate, Services, HTTPRoute, PDB, HPA, NetworkPolicy) and of the judge service
 * the AnalysisTemplate calls. Pure and free of Pulumi at run time, so `keelson render`, the Pulumi program and the
 * deploy pipeline share it.
 */
import type { DeploySpec } from '../../contract/deploy-spec.js';
import { parseDuration } from '../../contract/duration.js';
import { APP_NAME, appLabels, variantName } from './labels.js';
import { httpRouteSpec, networkPolicySpec, ROUTE_NAME, variantServiceSpec, type GatewaySource } from './traffic.js';
import { judgeAnalysisTemplate, JUDGE_TEMPLATE_NAME } from './judge-analysis.js';
import { renderJudge } from './judge-service.js';
import type { KubeObject } from './kube-object.js';
import { withInferenceAuth } from './inference-auth.js';
import { rolloutObject, ROLLOUT_NAME } from './rollout.js';
import { assertRenderable } from './validate.js';

export { objectFileName, type KubeObject } from './kube-object.js';
export { judgeEndpoint, JUDGE_TEMPLATE_NAME } from './judge-analysis.js';
export { JUDGE_NAME, JUDGE_PORT } from './judge-service.js';
export { clusterSpecProblems, MAX_CLUSTER_STEP } from './validate.js';
export { AUTH_SECRET_KEY, AUTH_TOKEN_FILE, passesAuthTokenFile } from './inference-auth.js';

export interface RenderOptions {
  /** Names the spec in error messages, e.g. `deploy/production.yaml`. */
  source?: string;
  namespace?: string;
  /** Where the gateway's proxies run (NetworkPolicy); default: Envoy Gateway's namespace. */
  gatewaySource?: GatewaySource;
  monitoringNamespace?: string;
  /** In-cluster Prometheus the judge reads (the monitoring component's `prometheusUrl`). */
  prometheusUrl?: string;
  /** Where the Argo Rollouts controller runs: the only caller the judge's NetworkPolicy admits besides Prometheus. */
  rolloutsNamespace?: string;
  hostname?: string;
  /** Bearer tokens: the Secret (key `tokens`) the Rollout mounts and passes as `--auth-token-file`. */
  inferenceAuth?: { secretName: string };
  /** TLS at the Gateway (`keelson:tls`): the HTTPRoute attaches to the HTTPS listener only; needs `hostname`. */
  tls?: { secretName: string };
  maxReplicas?: number;
  drainTimeoutMs?: number;
  preStopSleepMs?: number;
  logLevel?: string;
}

/** The stack settings' defaults (`infra/config/settings.ts`), so a render matches what `pulumi up` would deploy. */
const DEFAULTS = {
  namespace: 'keelson',
  gatewaySource: { kind: 'namespace', namespace: 'envoy-gateway-system' } as GatewaySource,
  monitoringNamespace: 'monitoring',
  prometheusUrl: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
  rolloutsNamespace: 'argo-rollouts',
  maxReplicas: 10,
  drainTimeoutMs: 10_000,
  preStopSleepMs: 5_000,
  logLevel: 'info',
};

/**
 * The kinds that carry a release (image, model, steps, judge policy and interval, replica floor): after the first
 * `pulumi up` the deploy pipeline owns them (`keelson deploy` applies them with force), Pulumi ignores their spec.
 * Every other rendered object follows stack settings and stays the stack's.
 */
export const RELEASE_KINDS: readonly string[] = ['Rollout', 'AnalysisTemplate', 'Deployment', 'HorizontalPodAutoscaler'];

/** Whether the deploy pipeline owns this object after it exists (see RELEASE_KINDS). */
export function isReleaseObject(object: Pick<KubeObject, 'kind'>): boolean {
  return RELEASE_KINDS.includes(object.kind);
}

/**
 * Every object of the service, in apply order: the judge first (the AnalysisTemplate calls it), then the
 * AnalysisTemplate and Services before the Rollout that names them.
 */
export function renderService(spec: DeploySpec, options: RenderOptions = {}): KubeObject[] {
  assertRenderable(spec, options.source ?? `deploy spec of ${spec.environment}`);
  const o = { ...DEFAULTS, ...definedOnly(options) };
  if (o.tls && !o.hostname) throw new Error(`TLS with Secret ${o.tls.secretName} needs a hostname: the certificate is for a name, and the HTTPS listener and route match it`);
  const ns = o.namespace;
  const labels = { ...appLabels(), 'keelson.dev/environment': spec.environment };
  const meta = (name: string) => ({ name, namespace: ns, labels });
  const intervalMs = parseDuration(spec.rollout.interval, 'rejected')!;
  const optionalMs = (value: string | undefined) => (value === undefined ? undefined : parseDuration(value, 'rejected'));

  const rollout = rolloutObject(
    { spec, image: spec.service.image!, namespace: ns, drainTimeoutMs: o.drainTimeoutMs, preStopSleepMs: o.preStopSleepMs, logLevel: o.logLevel, readyTimeoutMs: optionalMs(spec.rollout.readyTimeout) },
    labels,
  );

  // The Services select every keelson pod: Argo adds the stable or canary ReplicaSet's pod-template hash to each
  // selector, which is what tells them apart (experiment arms get Services of their own).
  const service = (variant: 'stable' | 'canary'): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(variantName(variant)),
    spec: { ...variantServiceSpec(variant), selector: appLabels() },
  });

  // The judge ships with each release: its `--interval` must equal the template's interval (both from the spec),
  // and the image that carries the request format the template sends also carries the judge that reads it.
  const judge = renderJudge({
    image: spec.service.image!,
    namespace: ns,
    prometheusUrl: o.prometheusUrl,
    intervalMs,
    rolloutsNamespace: o.rolloutsNamespace,
    monitoringNamespace: o.monitoringNamespace,
    labels,
  });

  return [
    ...judge,
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(APP_NAME), automountServiceAccountToken: false },
    { ...judgeAnalysisTemplate(spec, ns, intervalMs, optionalMs(spec.rollout.analysisTimeout)), metadata: meta(JUDGE_TEMPLATE_NAME) },
    service('stable'),
    service('canary'),
    // Argo's Gateway API plugin moves these weights (and adds the experiment arms' backends) at run time.
    { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta(ROUTE_NAME), spec: httpRouteSpec(o.hostname, undefined, o.tls !== undefined) },
    o.inferenceAuth ? withInferenceAuth(rollout, o.inferenceAuth.secretName) : rollout,
    { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta(APP_NAME), spec: { maxUnavailable: 1, selector: { matchLabels: appLabels() } } },
    {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta(APP_NAME),
      spec: {
        scaleTargetRef: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: ROLLOUT_NAME },
        minReplicas: spec.service.replicas,
        maxReplicas: Math.max(o.maxReplicas, spec.service.replicas),
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(APP_NAME), spec: networkPolicySpec(o.gatewaySource, o.monitoringNamespace) },
  ];
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
