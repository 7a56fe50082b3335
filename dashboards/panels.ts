/**
 * Panel factories shared by every dashboard: each returns a panel builder with its size, the Prometheus
 * datasource variable on the panel and on every query, refIds A, B, C... and consistent units and legends.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS_DATASOURCE } from './variables.js';

/** One PromQL query of a panel. */
export interface Query {
  expr: string;
  legend?: string;
  /** Instant query (tables, current values) instead of a range query. */
  instant?: boolean;
}

/** A link shown in the panel header (`panelLinks`) or on each series/value (`dataLinks`). */
export interface Link {
  title: string;
  url: string;
}

/** What every panel factory takes. */
export interface PanelSpec {
  title: string;
  description: string;
  queries: Query[];
  /** Grid columns out of 24. */
  width: number;
  height?: number;
  unit?: string;
  min?: number;
  max?: number;
  /** Threshold steps above a green base, e.g. `[{ value: 0.1, color: 'yellow' }]`. */
  thresholds?: { value: number; color: string }[];
  /** Value → text mappings, e.g. `{ '1': 'Ready' }`. */
  valueText?: Record<string, { text: string; color: string }>;
  panelLinks?: Link[];
  dataLinks?: Link[];
}

/** A panel builder that the layout can number and place. */
export interface PlaceablePanel extends cog.Builder<dashboard.Panel> {
  id(id: number): unknown;
  gridPos(gridPos: dashboard.GridPos): unknown;
}

/** A panel and the space it takes. */
export interface PanelSlot {
  panel: PlaceablePanel;
  width: number;
  height: number;
}

/** `{ expr, legend }` shorthand. */
export function query(expr: string, legend?: string): Query {
  return { expr, legend };
}

/** A time series panel; `stackPercent` stacks series to 100% (class mixes, traffic weights). */
export function timeseriesPanel(spec: PanelSpec & { stackPercent?: boolean; thresholdArea?: boolean }): PanelSlot {
  const panel = new timeseries.PanelBuilder()
    .lineWidth(1)
    .fillOpacity(spec.stackPercent ? 60 : 10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .displayMode(common.LegendDisplayMode.Table)
        .placement(common.LegendPlacement.Bottom)
        .showLegend(true)
        .calcs(['lastNotNull', 'max']),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi).sort(common.SortOrder.Descending));
  if (spec.stackPercent) panel.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Percent));
  if (spec.thresholdArea) {
    panel.thresholdsStyle(new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.LineAndArea));
  }
  return finish(panel, spec);
}

/** A single-value panel (current value, coloured by thresholds or mappings). */
export function statPanel(spec: PanelSpec): PanelSlot {
  const panel = new stat.PanelBuilder()
    .graphMode(common.BigValueGraphMode.Area)
    .colorMode(common.BigValueColorMode.Value)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  return finish(panel, spec);
}

/** Horizontal bars of current values (e.g. traffic weight per variant). */
export function barGaugePanel(spec: PanelSpec): PanelSlot {
  const panel = new bargauge.PanelBuilder()
    .orientation(common.VizOrientation.Horizontal)
    .displayMode(common.BarGaugeDisplayMode.Basic)
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false));
  return finish(panel, spec);
}

/** A state timeline (e.g. which verdict held when). */
export function stateTimelinePanel(spec: PanelSpec): PanelSlot {
  const panel = new statetimeline.PanelBuilder().showValue(common.VisibilityMode.Never).mergeValues(true);
  return finish(panel, spec);
}

/** A table of instant-query results with the label columns `columns`, in that order, and no value/time columns. */
export function labelTablePanel(spec: PanelSpec & { columns: string[] }): PanelSlot {
  const panel = new table.PanelBuilder().withTransformation({
    id: 'organize',
    options: {
      excludeByName: { Time: true, Value: true, __name__: true },
      indexByName: Object.fromEntries(spec.columns.map((c, i) => [c, i])),
    },
  });
  return finish(panel, { ...spec, queries: spec.queries.map((q) => ({ ...q, instant: true })) }, 'table');
}

type AnyPanelBuilder =
  | timeseries.PanelBuilder
  | stat.PanelBuilder
  | bargauge.PanelBuilder
  | statetimeline.PanelBuilder
  | table.PanelBuilder;

function finish(panel: AnyPanelBuilder, spec: PanelSpec, format?: 'table'): PanelSlot {
  panel.title(spec.title).description(spec.description).datasource(PROMETHEUS_DATASOURCE);
  spec.queries.forEach((q, i) => panel.withTarget(target(q, i, format)));
  if (spec.unit) panel.unit(spec.unit);
  if (spec.min !== undefined) panel.min(spec.min);
  if (spec.max !== undefined) panel.max(spec.max);
  const steps = [{ value: null, color: 'green' }, ...(spec.thresholds ?? [])];
  panel.thresholds(new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps));
  if (spec.valueText) {
    panel.mappings([{ type: dashboard.MappingType.ValueToText, options: mappingOptions(spec.valueText) }]);
  }
  if (spec.panelLinks) panel.links(spec.panelLinks.map(linkBuilder));
  if (spec.dataLinks) panel.dataLinks(spec.dataLinks.map(linkBuilder));
  return { panel, width: spec.width, height: spec.height ?? 8 };
}

function target(q: Query, index: number, format?: 'table'): prometheus.DataqueryBuilder {
  const builder = new prometheus.DataqueryBuilder()
    .expr(q.expr)
    .refId(String.fromCharCode(65 + index))
    .datasource(PROMETHEUS_DATASOURCE)
    .legendFormat(q.legend ?? '__auto');
  if (q.instant) builder.instant();
  else builder.range();
  if (format) builder.format(prometheus.PromQueryFormat.Table);
  return builder;
}

function mappingOptions(valueText: NonNullable<PanelSpec['valueText']>): Record<string, dashboard.ValueMappingResult> {
  return Object.fromEntries(Object.entries(valueText).map(([value, r], index) => [value, { ...r, index }]));
}

function linkBuilder(link: Link): dashboard.DashboardLinkBuilder {
  return new dashboard.DashboardLinkBuilder(link.title).type(dashboard.DashboardLinkType.Link).url(link.url).targetBlank(true);
}
