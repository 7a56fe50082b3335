/**
 * InferenceService: the keelson service in the cluster. The release's objects (Rollout, judge, AnalysisTemplate,
 * Services, HTTPRoute, PDB, HPA, NetworkPolicies) are `renderService`'s, the same the deploy pipeline applies; the
 * component adds what stays with the stack: namespace, Gateway, metrics Service, ServiceMonitor, GKE health checks.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { DeploySpec } from '../../contract/deploy-spec.js';
import { AUTH_SECRET_KEY, renderService, type KubeObject } from '../render/index.js';
import { APP_NAME, appLabels, CONTAINER_PORT, METRICS_SERVICE, metricsServiceLabels, variantName } from '../render/labels.js';
import { releaseResource } from './release-objects.js';
import { gatewaySpec, GATEWAY_NAME, gkeHealthCheckSpec, httpsRedirectRouteSpec, metricsServiceSpec, REDIRECT_ROUTE_NAME, serviceMonitorSpec, type GatewaySource } from '../render/traffic.js';

export interface InferenceServiceArgs {
  namespace: string;
  /** The desired state from `deploy/<env>.yaml`; `service.image` must be pinned by digest. */
  spec: DeploySpec;
  /** Names the spec in error messages, e.g. `deploy/production.yaml`. */
  specSource: string;
  drainTimeoutMs: number;
  preStopSleepMs: number;
  logLevel: string;
  maxReplicas: number;
  gatewayClassName: pulumi.Input<string>;
  gatewaySource: GatewaySource;
  /** Add GKE HealthCheckPolicies (GKE's gateway otherwise probes `/`). */
  gkeHealthChecks: boolean;
  hostname?: string;
  /** Bearer tokens on the inference routes: the Secret (key `tokens`) the Rollout mounts. */
  inferenceAuth?: { secretName: string };
  /** Tokens (one per line) for Pulumi to write into that Secret; unset = the operator creates and rotates it. A secret. */
  inferenceTokens?: pulumi.Output<string>;
  /** TLS at the Gateway: a `kubernetes.io/tls` Secret for `hostname`. */
  tls?: { secretName: string };
  monitoringNamespace: string;
  /** In-cluster Prometheus the judge reads. */
  prometheusUrl: string;
  /** Where the Argo Rollouts controller runs (the judge admits it). */
  rolloutsNamespace: string;
  /** Resources whose CRDs the ServiceMonitors need (the monitoring release). */
  monitoringCrds: pulumi.Input<pulumi.Resource>[];
  /** Resources whose CRDs the Gateway and HTTPRoute need (the gateway controller). */
  gatewayCrds: pulumi.Input<pulumi.Resource>[];
  /** Resources whose CRDs the Rollout and AnalysisTemplate need (the Argo Rollouts release). */
  rolloutsCrds: pulumi.Input<pulumi.Resource>[];
}

/** Kinds whose CRDs come from a release, and which release. */
function crdsOf(object: KubeObject, args: InferenceServiceArgs): pulumi.Input<pulumi.Resource>[] {
  if (object.apiVersion.startsWith('argoproj.io/')) return args.rolloutsCrds;
  if (object.apiVersion.startsWith('monitoring.coreos.com/')) return args.monitoringCrds;
  if (object.apiVersion.startsWith('gateway.networking.k8s.io/')) return args.gatewayCrds;
  return [];
}

/** The namespace, the rendered release objects, the metrics Service and ServiceMonitor, and the Gateway. */
export class InferenceService extends pulumi.ComponentResource {
  /** URL clients use (the gateway's address or host name). */
  readonly endpoint: pulumi.Output<string>;
  readonly namespace: string;

  constructor(name: string, args: InferenceServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:service:InferenceService', name, {}, opts);
    const { spec } = args;
    const ns = args.namespace;
    // Refuses an unpinned image, steps Argo cannot run and the like, naming the field, before anything is created.
    const objects = renderService(spec, {
      source: args.specSource,
      namespace: ns,
      gatewaySource: args.gatewaySource,
      monitoringNamespace: args.monitoringNamespace,
      prometheusUrl: args.prometheusUrl,
      rolloutsNamespace: args.rolloutsNamespace,
      hostname: args.hostname,
      inferenceAuth: args.inferenceAuth,
      tls: args.tls,
      maxReplicas: args.maxReplicas,
      drainTimeoutMs: args.drainTimeoutMs,
      preStopSleepMs: args.preStopSleepMs,
      logLevel: args.logLevel,
    });
    const meta = (objectName: string, labels: Record<string, string> = appLabels()) => ({
      name: objectName,
      namespace: ns,
      labels: { ...labels, 'keelson.dev/environment': spec.environment },
    });

    const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ns, labels: { 'keelson.dev/environment': spec.environment } } }, { parent: this });
    const inNs = { parent: this, dependsOn: [namespace] };

    const routing = { parent: this, dependsOn: [namespace, ...args.gatewayCrds] };
    const tls = args.tls && args.hostname ? { secretName: args.tls.secretName, hostname: args.hostname } : undefined;
    const gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: meta(GATEWAY_NAME),
        // Only the class is an Output: the listeners (and their TLS) stay known at preview, where the policy pack reads them.
        spec: { ...gatewaySpec('', args.hostname, tls), gatewayClassName: args.gatewayClassName },
        // Declares the `status` output (custom resources only get outputs for the keys they are given).
        status: undefined,
      },
      routing,
    );

    if (tls) {
      new k8s.apiextensions.CustomResource(
        `${name}-https-redirect`,
        { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta(REDIRECT_ROUTE_NAME), spec: httpsRedirectRouteSpec(tls.hostname) },
        { ...routing, dependsOn: [namespace, gateway] },
      );
    }

    // In render order; the Rollout waits for everything it names (judge, template, Services, route, account).
    const created: pulumi.Resource[] = [];
    if (args.inferenceAuth && args.inferenceTokens) created.push(this.tokenSecret(name, meta(args.inferenceAuth.secretName), args.inferenceTokens, inNs));
    for (const object of objects) {
      const after = object.kind === 'Rollout' ? created : object.kind === 'HTTPRoute' ? [gateway] : [];
      const resource = releaseResource(name, object, { parent: this, dependsOn: [namespace, ...crdsOf(object, args), ...after] });
      created.push(resource);
    }

    if (args.gkeHealthChecks) {
      for (const variant of ['stable', 'canary'] as const) {
        new k8s.apiextensions.CustomResource(
          `${name}-${variant}-healthcheck`,
          { apiVersion: 'networking.gke.io/v1', kind: 'HealthCheckPolicy', metadata: meta(variantName(variant)), spec: gkeHealthCheckSpec(variantName(variant)) },
          inNs,
        );
      }
    }
    new k8s.core.v1.Service(`${name}-metrics`, { metadata: meta(METRICS_SERVICE, metricsServiceLabels()), spec: metricsServiceSpec() }, inNs);
    new k8s.apiextensions.CustomResource(
      `${name}-monitor`,
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta(APP_NAME), spec: serviceMonitorSpec(ns) },
      { parent: this, dependsOn: [namespace, ...args.monitoringCrds] },
    );

    this.namespace = ns;
    this.endpoint = args.hostname
      ? pulumi.output(`${tls ? 'https' : 'http'}://${args.hostname}`)
      : (gateway as unknown as { status: pulumi.Output<{ addresses?: { value: string }[] } | undefined> }).status.apply((status) => {
          const address = status?.addresses?.[0]?.value;
          return address ? `http://${address}` : `(pending) kubectl -n ${ns} get gateway ${GATEWAY_NAME} -o jsonpath='{.status.addresses[0].value}'`;
        });
    this.registerOutputs({ endpoint: this.endpoint, namespace: ns, port: CONTAINER_PORT });
  }

  /** The token Secret from stack config: its data is a Pulumi secret, so state and outputs hold it encrypted only. */
  private tokenSecret(name: string, metadata: { name: string; namespace: string; labels: Record<string, string> }, tokens: pulumi.Output<string>, opts: pulumi.CustomResourceOptions): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
      `${name}-auth-tokens`,
      { metadata, type: 'Opaque', stringData: { [AUTH_SECRET_KEY]: pulumi.secret(tokens) } },
      { ...opts, additionalSecretOutputs: ['data', 'stringData'] },
    );
  }
}
