/**
 * GatewayController: a Gateway API implementation for clusters without one. EKS and plain clusters get
 * Envoy Gateway (its chart brings the Gateway API CRDs) and a GatewayClass; GKE brings its own classes.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { pinnedRelease } from '../shared/helm.js';
import { CHARTS } from '../versions.js';

export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
export const ENVOY_GATEWAY_CLASS = 'keelson-envoy';
/** GKE's global external Application Load Balancer class (Gateway API enabled on the cluster). */
export const GKE_GATEWAY_CLASS = 'gke-l7-global-external-managed';

export interface GatewayControllerArgs {
  /** Install Envoy Gateway; false uses `className` as it is (GKE, or a cluster that has a controller). */
  install: boolean;
  className?: string;
}

/** Where the Gateway API comes from, and the GatewayClass the keelson Gateway uses. */
export class GatewayController extends pulumi.ComponentResource {
  readonly gatewayClassName: string;
  /** Resources the Gateway and HTTPRoute wait for (CRDs and the controller). */
  readonly ready: pulumi.Resource[];

  constructor(name: string, args: GatewayControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:gateway:GatewayController', name, {}, opts);
    this.ready = [];
    if (!args.install) {
      if (!args.className) throw new Error('keelson:gatewayClassName = (unset): expected a GatewayClass when no controller is installed');
      this.gatewayClassName = args.className;
    } else {
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
          metadata: { name: ENVOY_GATEWAY_CLASS },
          spec: { controllerName: 'gateway.envoyproxy.io/gatewayclass-controller' },
        },
        { parent: this, dependsOn: [release] },
      );
      this.gatewayClassName = ENVOY_GATEWAY_CLASS;
      this.ready.push(release, gatewayClass);
    }
    this.registerOutputs({ gatewayClassName: this.gatewayClassName });
  }
}
