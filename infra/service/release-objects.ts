/**
 * The rendered objects (`renderService`) as Pulumi resources, and who owns which fields after `pulumi up` created
 * them: the deploy pipeline (`keelson deploy`) owns what a release changes, Argo's plugin the route's backends.
 */
import * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import { isReleaseObject, type KubeObject } from '../render/index.js';
import { ROLLOUT_OWNED_ROUTE_FIELDS } from '../render/traffic.js';

/**
 * Fields Pulumi ignores after creating an object. The Rollout, the AnalysisTemplate, the judge's Deployment and
 * the HPA carry the release (image, model, steps, interval, replicas): `git revert` + the pipeline change them,
 * never `pulumi up`. The whole `spec`, not only `spec.template`: Pulumi re-sends what it ignores from its own last
 * inputs whenever it updates an object, which would put the first release's image back.
 */
export function fieldsPulumiIgnores(object: Pick<KubeObject, 'kind'>): string[] {
  if (isReleaseObject(object)) return ['spec'];
  return object.kind === 'HTTPRoute' ? ROLLOUT_OWNED_ROUTE_FIELDS : [];
}

/** `keelson-rollout-keelson`: one logical name per object. */
export function logicalName(prefix: string, object: KubeObject): string {
  return `${prefix}-${object.kind.toLowerCase()}-${object.metadata.name}`;
}

/** Logical names of the objects the component created before it rendered them, so existing stacks keep them. */
function legacyName(prefix: string, object: KubeObject): string | undefined {
  const legacy: Record<string, string> = {
    'ServiceAccount/keelson': 'sa',
    'Service/keelson-stable': 'stable',
    'Service/keelson-canary': 'canary',
    'HTTPRoute/keelson': 'route',
    'NetworkPolicy/keelson': 'ingress',
  };
  const suffix = legacy[`${object.kind}/${object.metadata.name}`];
  return suffix === undefined ? undefined : `${prefix}-${suffix}`;
}

/** One rendered object as a typed resource (built-in kinds) or a CustomResource (Argo, Gateway API, Prometheus Operator). */
export function releaseResource(prefix: string, object: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
  const name = logicalName(prefix, object);
  const legacy = legacyName(prefix, object);
  const options: pulumi.CustomResourceOptions = {
    ...opts,
    ignoreChanges: fieldsPulumiIgnores(object),
    ...(legacy ? { aliases: [{ name: legacy }] } : {}),
  };
  // The renderer yields plain JSON; each typed constructor takes the same shape.
  const args = object as never;
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'v1/ServiceAccount':
      return new k8s.core.v1.ServiceAccount(name, args, options);
    case 'v1/Service':
      return new k8s.core.v1.Service(name, args, options);
    case 'apps/v1/Deployment':
      return new k8s.apps.v1.Deployment(name, args, options);
    case 'policy/v1/PodDisruptionBudget':
      return new k8s.policy.v1.PodDisruptionBudget(name, args, options);
    case 'autoscaling/v2/HorizontalPodAutoscaler':
      return new k8s.autoscaling.v2.HorizontalPodAutoscaler(name, args, options);
    case 'networking.k8s.io/v1/NetworkPolicy':
      return new k8s.networking.v1.NetworkPolicy(name, args, options);
    default:
      return new k8s.apiextensions.CustomResource(name, args, options);
  }
}
