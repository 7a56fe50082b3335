/** Policies about exposure and availability: public load balancers and production replica counts. */
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { CHARTS } from '../versions.js';
import { describe, ROLLOUT_TYPE, stackOfUrn } from './workloads.js';

/** Annotations that make a cloud load balancer internal. */
const INTERNAL_LB_ANNOTATIONS: Record<string, string> = {
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal',
  'service.beta.kubernetes.io/aws-load-balancer-internal': 'true',
  'networking.gke.io/load-balancer-type': 'Internal',
};
/** Labels of Services that belong to the gateway (ours, or created by the gateway controller). */
const GATEWAY_SERVICE_LABELS = ['keelson.dev/gateway', 'gateway.envoyproxy.io/owning-gateway-name', 'gateway.networking.k8s.io/gateway-name'];

/** Only the gateway may have a public LoadBalancer; Grafana, Kibana and the service stay inside. */
export const noPublicLoadBalancer: ResourceValidationPolicy = {
  name: 'keelson-no-public-load-balancer',
  description: 'No Service of type LoadBalancer is public except the gateway (Helm values included).',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    if (args.type === 'kubernetes:core/v1:Service' && args.props.spec?.type === 'LoadBalancer') {
      const annotations: Record<string, string> = args.props.metadata?.annotations ?? {};
      const labels: Record<string, string> = args.props.metadata?.labels ?? {};
      const internal = Object.entries(INTERNAL_LB_ANNOTATIONS).some(([key, value]) => annotations[key] === value);
      const gateway = GATEWAY_SERVICE_LABELS.some((key) => key in labels);
      if (!internal && !gateway) {
        report(`${describe(args.type, args.props, args.name)}: type LoadBalancer without an internal annotation: expected ClusterIP (reach it through the gateway or kubectl port-forward)`);
      }
    }
    if (args.type === 'kubernetes:helm.sh/v3:Release' && !String(args.props.chart ?? '').endsWith(CHARTS.envoyGateway.chart)) {
      for (const path of loadBalancerPaths(args.props.values ?? {}, 'values')) {
        report(`Release ${args.props.name ?? args.name}: ${path}.type = "LoadBalancer": expected ClusterIP (only the gateway is public)`);
      }
    }
  },
};

/** Paths of objects in Helm values that ask for a LoadBalancer Service. */
function loadBalancerPaths(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => loadBalancerPaths(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  const own = record.type === 'LoadBalancer' ? [path] : [];
  return [...own, ...Object.entries(record).flatMap(([key, child]) => loadBalancerPaths(child, `${path}.${key}`))];
}

const REPLICATED = ['kubernetes:apps/v1:Deployment', 'kubernetes:apps/v1:StatefulSet', ROLLOUT_TYPE];

/** Production workloads survive a node loss: at least two replicas (and an HPA floor of two). */
export const productionReplicas: ResourceValidationPolicy = {
  name: 'keelson-production-replicas',
  description: 'In production, Deployments, StatefulSets and Rollouts run ≥ 2 replicas and HPAs keep minReplicas ≥ 2.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const environment = args.props.metadata?.labels?.['keelson.dev/environment'] ?? stackOfUrn(args.urn);
    if (environment !== 'production') return;
    const who = describe(args.type, args.props, args.name);
    if (REPLICATED.includes(args.type)) {
      const replicas = args.props.spec?.replicas ?? 1;
      if (replicas < 2) report(`${who}: replicas = ${replicas} in production: expected at least 2`);
    }
    if (args.type === 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler') {
      const min = args.props.spec?.minReplicas ?? 1;
      if (min < 2) report(`${who}: minReplicas = ${min} in production: expected at least 2`);
    }
  },
};
