/**
 * Validates Kubernetes objects against their OpenAPI schemas with kubernetes-models (core APIs,
 * prometheus-operator, Gateway API, GKE, Argo Rollouts). ECK publishes no model package: those kinds are listed in
 * `NO_SCHEMA` so a test notices any other kind slipping through unvalidated.
 */
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import { PrometheusRule, ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Gateway, GatewayClass, HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { HealthCheckPolicy } from '@kubernetes-models/gke/networking.gke.io/v1/HealthCheckPolicy';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ClusterRole, ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

const MODELS: Record<string, ModelClass> = {};
for (const model of [
  Namespace, ServiceAccount, Service, ConfigMap, Secret, Deployment, HorizontalPodAutoscaler, NetworkPolicy, PodDisruptionBudget,
  ClusterRole, ClusterRoleBinding, StorageClass, ServiceMonitor, PrometheusRule, Gateway, GatewayClass, HTTPRoute, HealthCheckPolicy,
  Rollout, AnalysisTemplate,
] as unknown as (ModelClass & { apiVersion: string; kind: string })[]) {
  MODELS[`${model.apiVersion}/${model.kind}`] = model;
}

/** Kinds without a published schema package (Elastic Cloud on Kubernetes). */
export const NO_SCHEMA = new Set(['elasticsearch.k8s.elastic.co/v1/Elasticsearch', 'kibana.k8s.elastic.co/v1/Kibana', 'beat.k8s.elastic.co/v1beta1/Beat']);

/** `apps/v1/Deployment`. */
export function gvk(object: { apiVersion?: unknown; kind?: unknown }): string {
  return `${object.apiVersion}/${object.kind}`;
}

/** True when a schema exists for the object's apiVersion and kind. */
export function hasSchema(object: { apiVersion?: unknown; kind?: unknown }): boolean {
  return gvk(object) in MODELS;
}

/** Throws the schema violations of one object, e.g. "data/spec/replicas must be integer". */
export function validateKubernetesObject(object: Record<string, unknown>): void {
  const Model = MODELS[gvk(object)];
  if (!Model) throw new Error(`no schema for ${gvk(object)}`);
  new Model(object).validate();
}
