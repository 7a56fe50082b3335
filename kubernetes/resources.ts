/**
 * URL paths of the kinds keelson applies and reads. A fixed table instead of API discovery: the renderer's kinds
 * are known, and a missing CRD shows up as a 404 on its own path, which `translate.ts` names.
 */
import { KubernetesError } from './errors.js';

/** A kind by its `apiVersion` and `kind`, as in an object. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

const PLURALS: Readonly<Record<string, string>> = {
  'v1/ServiceAccount': 'serviceaccounts',
  'v1/Service': 'services',
  'v1/ConfigMap': 'configmaps',
  'apps/v1/Deployment': 'deployments',
  'apps/v1/ReplicaSet': 'replicasets',
  'policy/v1/PodDisruptionBudget': 'poddisruptionbudgets',
  'autoscaling/v2/HorizontalPodAutoscaler': 'horizontalpodautoscalers',
  'networking.k8s.io/v1/NetworkPolicy': 'networkpolicies',
  'monitoring.coreos.com/v1/ServiceMonitor': 'servicemonitors',
  'gateway.networking.k8s.io/v1/HTTPRoute': 'httproutes',
  'argoproj.io/v1alpha1/Rollout': 'rollouts',
  'argoproj.io/v1alpha1/AnalysisTemplate': 'analysistemplates',
  'argoproj.io/v1alpha1/AnalysisRun': 'analysisruns',
  'argoproj.io/v1alpha1/Experiment': 'experiments',
};

export const ROLLOUT: KindRef = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout' };
export const ANALYSIS_RUN: KindRef = { apiVersion: 'argoproj.io/v1alpha1', kind: 'AnalysisRun' };
export const EXPERIMENT: KindRef = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Experiment' };

/** `argoproj.io` for `argoproj.io/v1alpha1`, `` for `v1`. */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

/** `rollouts.argoproj.io`, `services` (core): the name RBAC rules and CRDs use. */
export function resourceName(ref: KindRef, subresource?: string): string {
  const plural = pluralOf(ref) + (subresource ? `/${subresource}` : '');
  const group = groupOf(ref.apiVersion);
  return group ? `${plural}.${group}` : plural;
}

/** `/apis/argoproj.io/v1alpha1/namespaces/ns/rollouts/keelson/status`. */
export function objectPath(ref: KindRef, namespace: string, name: string, subresource?: string): string {
  const root = ref.apiVersion.includes('/') ? `/apis/${ref.apiVersion}` : `/api/${ref.apiVersion}`;
  const parts = [root, 'namespaces', encodeURIComponent(namespace), pluralOf(ref), encodeURIComponent(name)];
  return (subresource ? [...parts, subresource] : parts).join('/');
}

function pluralOf(ref: KindRef): string {
  const plural = PLURALS[`${ref.apiVersion}/${ref.kind}`];
  if (!plural) throw new KubernetesError('invalid', `keelson cannot apply ${ref.apiVersion} ${ref.kind}: add its resource name to kubernetes/resources.ts`);
  return plural;
}

export const REPLICA_SET: KindRef = { apiVersion: 'apps/v1', kind: 'ReplicaSet' };
