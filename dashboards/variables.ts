/**
 * Template variables shared by the dashboards. Every query filters with `label=~"$var"`; "All" is `.*`,
 * which also matches series without the label (the local platform scrapes without a namespace).
 */
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { SERVICE_METRICS } from '../contract/metrics.js';
import { re, type Matcher } from './promql.js';

/** Grafana's rate window: at least four scrape intervals, whatever the zoom. */
export const RATE_WINDOW = '$__rate_interval';

/** Panels and queries point at the dashboard's `datasource` variable, so any Prometheus can be chosen on import. */
export const PROMETHEUS_DATASOURCE: dashboard.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** The Prometheus datasource picker. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus');
}

/** A multi-select variable over `label_values(selector, labelName)` with an "All" option matching everything. */
export function labelVariable(name: string, title: string, seriesSelector: string, labelName = name): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(title)
    .datasource(PROMETHEUS_DATASOURCE)
    // A classic query string: every Grafana version's Prometheus variable editor migrates it.
    .query(`label_values(${seriesSelector}, ${labelName})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.NaturalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: 'All', value: '$__all' });
}

/** namespace → model → version, each narrowed by the ones before it. */
export function modelVariables(): dashboard.QueryVariableBuilder[] {
  const info = SERVICE_METRICS.modelInfo;
  return [
    labelVariable('namespace', 'Namespace', info),
    labelVariable('model', 'Model', `${info}{namespace=~"$namespace"}`),
    labelVariable('version', 'Version', `${info}{namespace=~"$namespace", model=~"$model"}`),
  ];
}

/** A free-text variable, e.g. a request id to filter logs by. */
export function textVariable(name: string, label: string, defaultValue: string): dashboard.TextBoxVariableBuilder {
  return new dashboard.TextBoxVariableBuilder(name)
    .label(label)
    .defaultValue(defaultValue)
    .current({ selected: true, text: defaultValue, value: defaultValue });
}

/** A fixed choice list; the first value is the default. */
export function choiceVariable(name: string, label: string, values: string[]): dashboard.CustomVariableBuilder {
  return new dashboard.CustomVariableBuilder(name)
    .label(label)
    .values(values.join(','))
    .current({ selected: true, text: values[0], value: values[0] })
    .options(values.map((v, i) => ({ selected: i === 0, text: v, value: v })));
}

/** `namespace=~"$namespace"`: every query on every dashboard has it. */
export const NAMESPACE_MATCHER: Matcher = re('namespace', '$namespace');

/** The matchers every model-metric query uses. */
export const MODEL_MATCHERS: Matcher[] = [NAMESPACE_MATCHER, re('model', '$model'), re('version', '$version')];
