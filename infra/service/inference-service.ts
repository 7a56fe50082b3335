/** InferenceService: the keelson service in the cluster, its traffic split, its scrape target and its guard rails. */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { DeploySpec } from '../../contract/deploy-spec.js';
import { APP_NAME, appLabels, CONTAINER_PORT, METRICS_SERVICE, metricsServiceLabels, variantName, variantSelector } from './labels.js';
import { podTemplate } from './pod.js';
import {
  gatewaySpec,
  GATEWAY_NAME,
  gkeHealthCheckSpec,
  httpRouteSpec,
  metricsServiceSpec,
  networkPolicySpec,
  ROLLOUT_OWNED_ROUTE_FIELDS,
  ROUTE_NAME,
  serviceMonitorSpec,
  variantServiceSpec,
  type GatewaySource,
} from './traffic.js';

export interface InferenceServiceArgs {
  namespace: string;
  /** The desired state from `deploy/<env>.yaml`; `service.image` must be set. */
  spec: DeploySpec;
  drainTimeoutMs: number;
  preStopSleepMs: number;
  logLevel: string;
  maxReplicas: number;
  gatewayClassName: pulumi.Input<string>;
  gatewaySource: GatewaySource;
  /** Add GKE HealthCheckPolicies (GKE's gateway otherwise probes `/`). */
  gkeHealthChecks: boolean;
  hostname?: string;
  monitoringNamespace: string;
  /** Resources whose CRDs the ServiceMonitor needs (the monitoring release). */
  monitoringCrds: pulumi.Input<pulumi.Resource>[];
  /** Resources whose CRDs the Gateway and HTTPRoute need (the gateway controller). */
  gatewayCrds: pulumi.Input<pulumi.Resource>[];
}

/** The namespace, stable Deployment, Services, PDB, HPA, NetworkPolicy, ServiceMonitor, Gateway and HTTPRoute. */
export class InferenceService extends pulumi.ComponentResource {
  /** URL clients use (the gateway's address or host name). */
  readonly endpoint: pulumi.Output<string>;
  readonly namespace: string;

  constructor(name: string, args: InferenceServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:service:InferenceService', name, {}, opts);
    const { spec } = args;
    if (!spec.service.image) {
      throw new Error(`service.image = (missing): expected an image pinned by digest in the deploy spec for ${spec.environment}`);
    }
    const child = { parent: this };
    const ns = args.namespace;
    const meta = (objectName: string, labels: Record<string, string> = appLabels()) => ({
      name: objectName,
      namespace: ns,
      labels: { ...labels, 'keelson.dev/environment': spec.environment },
    });

    const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ns, labels: { 'keelson.dev/environment': spec.environment } } }, child);
    const inNs = { parent: this, dependsOn: [namespace] };
    const account = new k8s.core.v1.ServiceAccount(`${name}-sa`, { metadata: meta(APP_NAME), automountServiceAccountToken: false }, inNs);

    const stable = variantName('stable');
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-stable`,
      {
        metadata: meta(stable, variantSelector('stable')),
        spec: {
          replicas: spec.service.replicas,
          selector: { matchLabels: variantSelector('stable') },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: podTemplate({
            variant: 'stable',
            image: spec.service.image,
            model: spec.model,
            gpu: spec.service.gpu,
            resources: spec.service.resources,
            drainTimeoutMs: args.drainTimeoutMs,
            preStopSleepMs: args.preStopSleepMs,
            logLevel: args.logLevel,
            serviceAccountName: APP_NAME,
          }),
        },
      },
      // The HPA owns the replica count after creation.
      { parent: this, dependsOn: [namespace, account], ignoreChanges: ['spec.replicas'] },
    );

    for (const variant of ['stable', 'canary'] as const) {
      new k8s.core.v1.Service(`${name}-${variant}`, { metadata: meta(variantName(variant)), spec: variantServiceSpec(variant) }, inNs);
      if (args.gkeHealthChecks) {
        new k8s.apiextensions.CustomResource(
          `${name}-${variant}-healthcheck`,
          { apiVersion: 'networking.gke.io/v1', kind: 'HealthCheckPolicy', metadata: meta(variantName(variant)), spec: gkeHealthCheckSpec(variantName(variant)) },
          inNs,
        );
      }
    }
    new k8s.core.v1.Service(`${name}-metrics`, { metadata: meta(METRICS_SERVICE, metricsServiceLabels()), spec: metricsServiceSpec() }, inNs);

    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-stable`,
      { metadata: meta(stable), spec: { maxUnavailable: 1, selector: { matchLabels: variantSelector('stable') } } },
      inNs,
    );
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-stable`,
      {
        metadata: meta(stable),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name },
          minReplicas: spec.service.replicas,
          maxReplicas: Math.max(args.maxReplicas, spec.service.replicas),
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      },
      inNs,
    );
    new k8s.networking.v1.NetworkPolicy(`${name}-ingress`, { metadata: meta(APP_NAME), spec: networkPolicySpec(args.gatewaySource, args.monitoringNamespace) }, inNs);
    new k8s.apiextensions.CustomResource(
      `${name}-monitor`,
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: meta(APP_NAME), spec: serviceMonitorSpec(ns) },
      { parent: this, dependsOn: [namespace, ...args.monitoringCrds] },
    );

    const routing = { parent: this, dependsOn: [namespace, ...args.gatewayCrds] };
    const gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'Gateway',
        metadata: meta(GATEWAY_NAME),
        spec: pulumi.output(args.gatewayClassName).apply((className) => gatewaySpec(className, args.hostname)),
        // Declares the `status` output (custom resources only get outputs for the keys they are given).
        status: undefined,
      },
      routing,
    );
    new k8s.apiextensions.CustomResource(
      `${name}-route`,
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', metadata: meta(ROUTE_NAME), spec: httpRouteSpec(args.hostname) },
      // The rollout moves the weights at run time; `pulumi up` must not move them back.
      { ...routing, dependsOn: [gateway, ...routing.dependsOn], ignoreChanges: ROLLOUT_OWNED_ROUTE_FIELDS },
    );

    this.namespace = ns;
    this.endpoint = args.hostname
      ? pulumi.output(`http://${args.hostname}`)
      : (gateway as unknown as { status: pulumi.Output<{ addresses?: { value: string }[] } | undefined> }).status.apply((status) => {
          const address = status?.addresses?.[0]?.value;
          return address ? `http://${address}` : `(pending) kubectl -n ${ns} get gateway ${GATEWAY_NAME} -o jsonpath='{.status.addresses[0].value}'`;
        });
    this.registerOutputs({ endpoint: this.endpoint, namespace: ns, port: CONTAINER_PORT });
  }
}
