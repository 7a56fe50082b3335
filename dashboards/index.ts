/**
 * Dashboards and alerts as code: `buildDashboards` yields Grafana dashboard JSON, `buildRuleGroups`
 * Prometheus rule groups. The CLI writes them to files; the Pulumi program turns them into ConfigMaps
 * (label `grafana_dashboard: "1"`) and PrometheusRule objects.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { canaryAnalysisDashboard } from './canary-analysis.js';
import { gpuDashboard } from './gpu.js';
import { logsDashboard } from './logs.js';
import { modelQualityDashboard } from './model-quality.js';
import { resolveDashboardOptions, type DashboardOptions } from './options.js';
import { serviceOverviewDashboard } from './service-overview.js';

export { buildRuleGroups, renderRuleFile } from './rules/index.js';
export type { AlertingRule, RecordingRule, RuleFile, RuleGroup, Severity } from './rules/types.js';
export {
  DashboardConfigError,
  DEFAULT_DASHBOARD_OPTIONS,
  DEFAULT_RULE_OPTIONS,
  type DashboardOptions,
  type RuleOptions,
} from './options.js';

/** One generated dashboard: its uid, the file name the CLI writes, and the Grafana JSON model (plain data). */
export interface BuiltDashboard {
  uid: string;
  fileName: string;
  dashboard: Dashboard;
}

const BUILDERS = [serviceOverviewDashboard, canaryAnalysisDashboard, modelQualityDashboard, gpuDashboard, logsDashboard];

/** Builds every keelson dashboard. Throws `DashboardConfigError` for invalid options. */
export function buildDashboards(options: Partial<DashboardOptions> = {}): BuiltDashboard[] {
  const resolved = resolveDashboardOptions(options);
  return BUILDERS.map((build) => {
    // Plain JSON: the SDK's query objects carry helper functions, which Pulumi inputs must not.
    const dashboard = JSON.parse(JSON.stringify(build(resolved))) as Dashboard;
    const uid = dashboard.uid ?? '';
    return { uid, fileName: `${uid}.json`, dashboard };
  });
}
