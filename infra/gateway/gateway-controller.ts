/**
 * GatewayController: a Gateway API implementation for clusters without one. EKS and plain clusters get
 * Envoy Gateway (its chart brings the Gateway API CRDs) and a GatewayClass; GKE brings its own classes.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { pinnedRelease } from '../shared/helm.js';
import { CHARTS } from '../versions.js';
import { ENVOY_GATEWAY_NAMESPACE, type GatewayPlan } from './plan.js';

export type GatewayControllerArgs = Pick<GatewayPlan, 'installEnvoy' | 'gatewayClassName'>;

/** Envoy Gateway and its GatewayClass when the plan says so; otherwise nothing but the class name. */
export class GatewayController extends pulumi.ComponentResource {
  readonly gatewayClassName: string;
  /** Resources the Gateway and HTTPRoute wait for (CRDs and the controller). */
  readonly ready: pulumi.Resource[] = [];

  constructor(name: string, args: GatewayControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:gateway:GatewayController', name, {}, opts);
    this.gatewayClassName = args.gatewayClassName;
    if (args.installEnvoy) {
      const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ENVOY_GATEWAY_NAMESPACE } }, { parent: this });
      const release = new k8s.helm.v3.Release(
        `${name}-envoy`,
        { ...pinnedRelease(CHARTS.envoyGateway), name: 'eg', namespace: ENVOY_GATEWAY_NAMESPACE },
        { parent: this, dependsOn: [namespace] },
      );
      const gatewayClass = new k8s.apiextensions.CustomResource(
        `${name}-class`,
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'GatewayClass',
          metadata: { name: args.gatewayClassName },
          spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
        },
        { parent: this, dependsOn: [release] },
      );
      this.ready.push(release, gatewayClass);
    }
    this.registerOutputs({ gatewayClassName: this.gatewayClassName });
  }
}
