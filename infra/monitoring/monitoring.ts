/** Monitoring: kube-prometheus-stack (Prometheus, Alertmanager, Grafana) plus keelson's dashboards and alerts. */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { BuiltDashboard, RuleFile } from '../../dashboards/index.js';
import { pinnedRelease } from '../shared/helm.js';
import { CHARTS } from '../versions.js';
import { dashboardConfigMaps, prometheusRuleObjects } from './provisioning.js';
import { kubePrometheusStackValues, parseReceivers } from './values.js';
import { MONITORING_RELEASE, prometheusUrl } from '../shared/names.js';

/** Explicit release name: without it Pulumi appends a random suffix and every service name changes. */
export { MONITORING_RELEASE } from '../shared/names.js';

export interface MonitoringArgs {
  namespace: string;
  grafanaAdminPassword: pulumi.Input<string>;
  /** JSON array of Alertmanager receivers (a secret); none routes alerts nowhere. */
  alertmanagerReceivers?: pulumi.Input<string | undefined>;
  retention: string;
  prometheusStorageSize: string;
  grafanaStorageSize: string;
  storageClassName?: string;
  systemNodes: boolean;
  dashboards: BuiltDashboard[];
  rules: RuleFile;
}

/** The monitoring stack; `release` carries the CRDs other components' custom resources need. */
export class Monitoring extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;
  readonly namespace: string;
  readonly grafanaUrl: string;
  readonly prometheusUrl: string;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:monitoring:Monitoring', name, {}, opts);
    const namespace = new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: args.namespace } }, { parent: this });
    const values = pulumi
      .all([args.grafanaAdminPassword, args.alertmanagerReceivers])
      .apply(([password, receivers]) =>
        kubePrometheusStackValues({
          grafanaAdminPassword: password,
          receivers: parseReceivers(receivers),
          retention: args.retention,
          prometheusStorageSize: args.prometheusStorageSize,
          grafanaStorageSize: args.grafanaStorageSize,
          storageClassName: args.storageClassName,
          systemNodes: args.systemNodes,
        }),
      );
    this.release = new k8s.helm.v3.Release(
      `${name}-stack`,
      { ...pinnedRelease(CHARTS.kubePrometheusStack), name: MONITORING_RELEASE, namespace: args.namespace, values, timeout: 900 },
      { parent: this, dependsOn: [namespace] },
    );

    for (const map of dashboardConfigMaps(args.dashboards)) {
      new k8s.core.v1.ConfigMap(
        `${name}-${map.name}`,
        { metadata: { name: map.name, namespace: args.namespace, labels: map.labels, annotations: map.annotations }, data: map.data },
        { parent: this, dependsOn: [namespace] },
      );
    }
    // CRDs come with the release: every PrometheusRule waits for it.
    for (const rule of prometheusRuleObjects(args.rules)) {
      new k8s.apiextensions.CustomResource(
        `${name}-${rule.name}`,
        {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PrometheusRule',
          metadata: { name: rule.name, namespace: args.namespace, labels: { 'app.kubernetes.io/part-of': 'keelson' } },
          spec: rule.spec,
        },
        { parent: this, dependsOn: [this.release] },
      );
    }

    this.namespace = args.namespace;
    this.grafanaUrl = `http://${MONITORING_RELEASE}-grafana.${args.namespace}.svc`;
    this.prometheusUrl = prometheusUrl(args.namespace);
    this.registerOutputs({ grafanaUrl: this.grafanaUrl, prometheusUrl: this.prometheusUrl });
  }
}
