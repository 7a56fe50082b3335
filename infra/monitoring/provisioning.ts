/**
 * Dashboards and rule groups from `dashboards/` as Kubernetes objects: one ConfigMap per dashboard for the
 * Grafana sidecar, one PrometheusRule per rule group. Pure.
 */
import type { BuiltDashboard, RuleFile, RuleGroup } from '../../dashboards/index.js';

/** Label the Grafana sidecar watches (kube-prometheus-stack default). */
export const DASHBOARD_LABEL = { grafana_dashboard: '1' } as const;
/** Annotation the sidecar reads to file dashboards into a folder. */
export const DASHBOARD_FOLDER_ANNOTATION = 'grafana_folder';
const DASHBOARD_FOLDER = 'keelson';

/** A Kubernetes object name from free text: lower case `[a-z0-9-]`, starting with `prefix-` once, ≤ 63 characters. */
export function objectName(prefix: string, text: string, suffix = ''): string {
  const slug = text.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  const base = slug.startsWith(`${prefix}-`) ? slug : `${prefix}-${slug}`;
  return `${base.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`;
}

/** ConfigMap contents for one dashboard. */
export interface DashboardConfigMap {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  data: Record<string, string>;
}

/** One ConfigMap per dashboard, keyed by the dashboard's file name. */
export function dashboardConfigMaps(dashboards: BuiltDashboard[]): DashboardConfigMap[] {
  const names = new Set<string>();
  return dashboards.map(({ uid, fileName, dashboard }) => {
    const name = objectName('keelson', uid, '-dashboard');
    if (names.has(name)) throw new Error(`dashboard uid "${uid}": expected a uid unique after normalising to ${name}`);
    names.add(name);
    return {
      name,
      labels: { ...DASHBOARD_LABEL, 'app.kubernetes.io/part-of': 'keelson' },
      annotations: { [DASHBOARD_FOLDER_ANNOTATION]: DASHBOARD_FOLDER },
      data: { [fileName]: JSON.stringify(dashboard) },
    };
  });
}

/** A PrometheusRule object's name and spec for one group. */
export interface RuleObject {
  name: string;
  spec: { groups: RuleGroup[] };
}

/** One PrometheusRule per rule group, so a broken group never hides the others. */
export function prometheusRuleObjects(file: RuleFile): RuleObject[] {
  return file.groups.map((group) => ({ name: objectName('keelson', group.name), spec: { groups: [group] } }));
}
