/**
 * How traffic and scrapes reach the pods: Services, the Gateway and its HTTPRoute (stable/canary weights),
 * the NetworkPolicy and the ServiceMonitor. Plain objects (the custom resources' `spec`s); pure.
 */
import { VARIANT_LABEL } from '../../contract/metrics.js';
import { appLabels, CONTAINER_PORT, METRICS_PATH, METRICS_SERVICE, metricsServiceLabels, PORT_NAME, READY_PATH, variantName, variantSelector } from './labels.js';

export const GATEWAY_NAME = 'keelson';
export const ROUTE_NAME = 'keelson';
/** Weights `pulumi up` creates; the rollout changes them at run time. */
const DEFAULT_WEIGHTS = { stable: 100, canary: 0 } as const;

/** Where the gateway's proxies run, so the NetworkPolicy can let them in. */
export type GatewaySource =
  | { kind: 'namespace'; namespace: string }
  /** Google front ends and health checkers (GKE's managed gateway proxies from outside the cluster). */
  | { kind: 'google-front-ends' };

/** Google's documented load-balancer source ranges. */
const GOOGLE_FRONT_END_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];

/** A traffic Service for one variant. */
export function variantServiceSpec(variant: 'stable' | 'canary') {
  return {
    type: 'ClusterIP',
    selector: variantSelector(variant),
    ports: [{ name: PORT_NAME, port: CONTAINER_PORT, targetPort: PORT_NAME, protocol: 'TCP' }],
  };
}

/** The headless Service Prometheus scrapes: every variant's pods, told apart by the `variant` pod label. */
export function metricsServiceSpec() {
  return { clusterIP: 'None', selector: appLabels(), ports: [{ name: PORT_NAME, port: CONTAINER_PORT, targetPort: PORT_NAME }] };
}

/**
 * ServiceMonitor spec: selects the metrics Service and copies the pods' `variant` label onto every series, and
 * Argo's `rollouts-pod-template-hash` (as `rollouts_pod_template_hash`), by which the judge tells the arms apart.
 */
export function serviceMonitorSpec(namespace: string) {
  return {
    selector: { matchLabels: metricsServiceLabels() },
    namespaceSelector: { matchNames: [namespace] },
    podTargetLabels: [VARIANT_LABEL, 'keelson.dev/model', 'keelson.dev/model-version', 'rollouts-pod-template-hash'],
    endpoints: [{ port: PORT_NAME, path: METRICS_PATH, interval: '15s', scrapeTimeout: '10s' }],
  };
}

/** Gateway listener names: routes attach to one by `sectionName`. */
export const HTTP_LISTENER = 'http';
export const HTTPS_LISTENER = 'https';
/** The HTTPRoute on the HTTP listener that sends every client to https:// when the Gateway terminates TLS. */
export const REDIRECT_ROUTE_NAME = 'keelson-https-redirect';

/** TLS at the Gateway: a `kubernetes.io/tls` Secret in the Gateway's namespace, for `hostname`. */
export interface GatewayTls {
  secretName: string;
  hostname: string;
}

/**
 * Gateway spec: one HTTP listener on 80, accepting routes from its own namespace; with TLS also an HTTPS listener on
 * 443 that terminates it with the Secret's certificate (the HTTP listener then only carries the redirect route).
 */
export function gatewaySpec(gatewayClassName: string, hostname?: string, tls?: GatewayTls) {
  const listener = (name: string, protocol: string, port: number) => ({ name, protocol, port, ...(hostname ? { hostname } : {}), allowedRoutes: { namespaces: { from: 'Same' } } });
  return {
    gatewayClassName,
    listeners: [
      listener(HTTP_LISTENER, 'HTTP', 80),
      ...(tls ? [{ ...listener(HTTPS_LISTENER, 'HTTPS', 443), tls: { mode: 'Terminate', certificateRefs: [{ group: '', kind: 'Secret', name: tls.secretName }] } }] : []),
    ],
  };
}

/** HTTPRoute spec: all paths to stable and canary by weight (100/0 until a rollout moves them); HTTPS only with TLS. */
export function httpRouteSpec(hostname?: string, weights: { stable: number; canary: number } = DEFAULT_WEIGHTS, tls = false) {
  return {
    parentRefs: [{ name: GATEWAY_NAME, ...(tls ? { sectionName: HTTPS_LISTENER } : {}) }],
    ...(hostname ? { hostnames: [hostname] } : {}),
    rules: [
      {
        matches: [{ path: { type: 'PathPrefix', value: '/' } }],
        backendRefs: [
          { name: variantName('stable'), port: CONTAINER_PORT, weight: weights.stable },
          { name: variantName('canary'), port: CONTAINER_PORT, weight: weights.canary },
        ],
      },
    ],
  };
}

/**
 * HTTPRoute spec on the HTTP listener: a 301 to the same path on https://. Plain HTTP never reaches a pod, so a
 * bearer token sent over it by mistake goes no further than the Gateway (and the client learns the right URL).
 */
export function httpsRedirectRouteSpec(hostname: string) {
  return {
    parentRefs: [{ name: GATEWAY_NAME, sectionName: HTTP_LISTENER }],
    hostnames: [hostname],
    rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
  };
}

/**
 * What Argo's Gateway API plugin changes at run time: the weights, and the experiment arms' backends it adds to
 * and removes from the same rule. Whoever applies the route after its creation must leave these alone.
 */
export const ROLLOUT_OWNED_ROUTE_FIELDS = ['spec.rules[0].backendRefs'];

/** NetworkPolicy spec: only the gateway and Prometheus reach the pods, and only on the service port. */
export function networkPolicySpec(gateway: GatewaySource, monitoringNamespace: string) {
  const byNamespace = (namespace: string) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } });
  const gatewayPeers =
    gateway.kind === 'namespace' ? [byNamespace(gateway.namespace)] : GOOGLE_FRONT_END_RANGES.map((cidr) => ({ ipBlock: { cidr } }));
  return {
    podSelector: { matchLabels: appLabels() },
    policyTypes: ['Ingress'],
    ingress: [
      { from: gatewayPeers, ports: [{ port: CONTAINER_PORT, protocol: 'TCP' }] },
      {
        from: [{ ...byNamespace(monitoringNamespace), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }],
        ports: [{ port: CONTAINER_PORT, protocol: 'TCP' }],
      },
    ],
  };
}

/** GKE HealthCheckPolicy spec: GKE's load balancer health-checks the readiness path, not `/`. */
export function gkeHealthCheckSpec(serviceName: string) {
  return {
    default: { config: { type: 'HTTP', httpHealthCheck: { port: CONTAINER_PORT, requestPath: READY_PATH } } },
    targetRef: { group: '', kind: 'Service', name: serviceName },
  };
}

export { METRICS_SERVICE };
