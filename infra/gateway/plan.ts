/** Which Gateway API implementation a stack uses, and where its proxies come from. Pure. */
import type { ClusterProvider } from '../config/settings.js';
import type { GatewaySource } from '../render/traffic.js';

export const ENVOY_GATEWAY_NAMESPACE = 'envoy-gateway-system';
const ENVOY_GATEWAY_CLASS = 'keelson-envoy';
/** GKE's global external Application Load Balancer class (Gateway API enabled on the cluster). */
const GKE_GATEWAY_CLASS = 'gke-l7-global-external-managed';

export interface GatewayPlan {
  /** Install Envoy Gateway and its GatewayClass. */
  installEnvoy: boolean;
  gatewayClassName: string;
  /** Who the NetworkPolicy lets in as the gateway. */
  source: GatewaySource;
  /** GKE's load balancer needs HealthCheckPolicies pointing at the readiness path. */
  gkeHealthChecks: boolean;
}

/** A configured class wins; otherwise GKE uses its own class and every other cluster gets Envoy Gateway. */
export function gatewayPlan(provider: ClusterProvider, gatewayClassName: string | undefined, gatewayNamespace: string): GatewayPlan {
  if (gatewayClassName !== undefined) {
    return { installEnvoy: false, gatewayClassName, source: { kind: 'namespace', namespace: gatewayNamespace }, gkeHealthChecks: false };
  }
  if (provider === 'gke') {
    return { installEnvoy: false, gatewayClassName: GKE_GATEWAY_CLASS, source: { kind: 'google-front-ends' }, gkeHealthChecks: true };
  }
  return { installEnvoy: true, gatewayClassName: ENVOY_GATEWAY_CLASS, source: { kind: 'namespace', namespace: ENVOY_GATEWAY_NAMESPACE }, gkeHealthChecks: false };
}
