/**
 * ArgoRollouts: the Argo Rollouts controller (pinned chart, CRDs included) with its metrics scraped and the
 * Gateway API traffic-router plugin registered, plus the route permission the chart leaves out.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { RolloutsPluginSettings } from '../config/settings.js';
import { pinnedRelease } from '../shared/helm.js';
import { CHARTS } from '../versions.js';
import { argoRolloutsValues, CONTROLLER_SERVICE_ACCOUNT } from './values.js';
import { ROLLOUTS_NAMESPACE } from '../shared/names.js';

export { ROLLOUTS_NAMESPACE };
/** Explicit release name: the chart names its Deployment, ServiceAccount and ConfigMap after it. */
const RELEASE_NAME = 'argo-rollouts';

export interface ArgoRolloutsArgs {
  plugin: RolloutsPluginSettings;
  /** Pin the controller to the system pool (clusters this program built have one). */
  systemNodes: boolean;
  /** The monitoring release: the controller's ServiceMonitor needs its CRDs. */
  monitoringCrds: pulumi.Input<pulumi.Resource>[];
}

/**
 * The plugin's documented permissions on routes are get/list/update/patch; the chart's `providerRBAC.gatewayAPI`
 * grants get/list/watch/update on routes and get on Services, so this adds what is missing.
 */
export const GATEWAY_API_PLUGIN_RULES = [
  { apiGroups: ['gateway.networking.k8s.io'], resources: ['httproutes'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
];

/** The controller release in namespace `argo-rollouts`; `release` carries the CRDs of Rollouts and AnalysisTemplates. */
export class ArgoRollouts extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;
  readonly namespace = ROLLOUTS_NAMESPACE;

  constructor(name: string, args: ArgoRolloutsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:rollouts:ArgoRollouts', name, {}, opts);
    const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: ROLLOUTS_NAMESPACE } }, { parent: this });
    this.release = new k8s.helm.v3.Release(
      `${name}-controller`,
      {
        ...pinnedRelease(CHARTS.argoRollouts),
        name: RELEASE_NAME,
        namespace: ROLLOUTS_NAMESPACE,
        values: argoRolloutsValues(args.plugin, args.systemNodes),
      },
      { parent: this, dependsOn: [namespace, ...args.monitoringCrds] },
    );
    const role = new k8s.rbac.v1.ClusterRole(
      `${name}-gateway-api-plugin`,
      { metadata: { name: 'keelson-argo-rollouts-gateway-api-plugin' }, rules: GATEWAY_API_PLUGIN_RULES },
      { parent: this },
    );
    new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-gateway-api-plugin`,
      {
        metadata: { name: 'keelson-argo-rollouts-gateway-api-plugin' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
        subjects: [{ kind: 'ServiceAccount', name: CONTROLLER_SERVICE_ACCOUNT, namespace: ROLLOUTS_NAMESPACE }],
      },
      { parent: this, dependsOn: [this.release] },
    );
    this.registerOutputs({ namespace: ROLLOUTS_NAMESPACE });
  }
}
