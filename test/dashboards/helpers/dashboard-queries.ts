import type { Dashboard, Panel, RowPanel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import type { BuiltDashboard, RuleFile } from '../../../dashboards/index.js';

/** A PromQL expression found in a dashboard or rule file, and where. */
export interface FoundQuery {
  dashboard: string;
  /** Panel title, `variable <name>`, `annotation <name>` or `rule <name>`. */
  where: string;
  kind: 'panel' | 'variable' | 'annotation' | 'rule';
  panelType?: string;
  expr: string;
  instant: boolean;
}

interface PromTarget {
  expr?: string;
  instant?: boolean;
  range?: boolean;
  refId?: string;
  datasource?: { type?: string; uid?: string };
}

/** The panels of a dashboard that are not rows. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  return (dashboard.panels ?? []).filter((p): p is Panel => p.type !== 'row');
}

/** Rows and panels, in order. */
export function allPanels(dashboard: Dashboard): (Panel | RowPanel)[] {
  return dashboard.panels ?? [];
}

/** The Prometheus targets of a panel. */
export function targetsOf(panel: Panel): PromTarget[] {
  return (panel.targets ?? []) as PromTarget[];
}

/** Every PromQL expression of a dashboard: panel targets, query variables (`label_values(X, l)` → X), annotations. */
export function dashboardQueries({ dashboard, uid }: BuiltDashboard): FoundQuery[] {
  const found: FoundQuery[] = [];
  for (const panel of panelsOf(dashboard)) {
    for (const t of targetsOf(panel)) {
      found.push({ dashboard: uid, where: panel.title ?? '', kind: 'panel', panelType: panel.type, expr: t.expr ?? '', instant: t.instant === true });
    }
  }
  for (const variable of dashboard.templating.list ?? []) {
    const selector = variableSelector(variable);
    if (selector) found.push({ dashboard: uid, where: `variable ${variable.name}`, kind: 'variable', expr: selector, instant: true });
  }
  for (const annotation of dashboard.annotations.list ?? []) {
    if (annotation.expr) found.push({ dashboard: uid, where: `annotation ${annotation.name}`, kind: 'annotation', expr: annotation.expr, instant: false });
  }
  return found;
}

/** Every expression of a rule file. */
export function ruleQueries(file: RuleFile): FoundQuery[] {
  return file.groups.flatMap((g) =>
    g.rules.map((r) => ({ dashboard: g.name, where: `rule ${'alert' in r ? r.alert : r.record}`, kind: 'rule' as const, expr: r.expr, instant: true })),
  );
}

/** The series selector inside a `label_values(selector, label)` variable query. */
export function variableSelector(variable: VariableModel): string | undefined {
  if (variable.type !== 'query') return undefined;
  const query = typeof variable.query === 'string' ? variable.query : (variable.query as { query?: string } | undefined)?.query;
  const match = /^label_values\((.+),\s*\w+\)$/.exec(query ?? '');
  return match?.[1];
}

/** Grafana's `$var` / `${var}` / `${var:format}` references in a string, builtins (`$__...`) excluded. */
export function variableReferences(text: string): string[] {
  return [...text.matchAll(/\$\{?([A-Za-z_]\w*)/g)].map((m) => m[1]).filter((name) => !name.startsWith('__'));
}

/** Substitutes what Grafana would for `$var` / `${var}`; an expression naming a variable without a test value throws. */
export function interpolate(expr: string, variables: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)\}|\$(\w+)/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const value = variables[braced ?? bare ?? ''];
    if (value === undefined) throw new Error(`no test value for ${whole} in ${expr}`);
    return value;
  });
}
