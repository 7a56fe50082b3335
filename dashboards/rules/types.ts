/**
 * Prometheus rule files as data: the shape of a rule file's YAML and of a PrometheusRule's `spec`
 * (prometheus-operator), so the same object feeds `promtool`, the CLI and Pulumi.
 */

/** Who gets told: `critical` pages someone now, `warning` opens a ticket for working hours. */
export type Severity = 'critical' | 'warning';

/** A precomputed series: `record` is the new series name. */
export interface RecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** An alert; `labels.severity`, `annotations.summary` and `annotations.runbook_url` are always present. */
export interface AlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: Severity } & Record<string, string>;
  annotations: { summary: string; description: string; runbook_url: string };
}

/** Rules evaluated together at one interval. */
export interface RuleGroup {
  name: string;
  interval?: string;
  rules: (RecordingRule | AlertingRule)[];
}

/** A rule file (`promtool check rules`), identical to a PrometheusRule `spec`. */
export interface RuleFile {
  groups: RuleGroup[];
}

/** The anchor of an alert's runbook (docs/runbooks.md by default): `<base>#runbook-<alertname in lower case>`. */
export function runbookUrl(base: string, alert: string): string {
  return `${base}#runbook-${alert.toLowerCase()}`;
}

/** `0.0010000000000000009` → `0.1%`: fractions as people write them. */
export function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
