/**
 * Prometheus annotation queries. Grafana's Prometheus datasource turns each stretch of a series whose value
 * is 1 into an annotation, with title and text templated from labels. The SDK's annotation builder has no
 * fields for those templates, so this builder writes them beside the standard ones.
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import type { AnnotationQuery } from '@grafana/grafana-foundation-sdk/dashboard';
import { PROMETHEUS_DATASOURCE } from './variables.js';

/** A Prometheus-backed annotation. */
export interface PrometheusAnnotationSpec {
  name: string;
  expr: string;
  iconColor: string;
  /** Legend-style template, e.g. `{{decision}}`. */
  titleFormat: string;
  textFormat: string;
  /** Comma-separated labels shown as annotation tags. */
  tagKeys: string;
}

/** The annotation query as Grafana stores it: the standard fields plus the Prometheus ones. */
export type PrometheusAnnotationQuery = AnnotationQuery & {
  titleFormat: string;
  textFormat: string;
  tagKeys: string;
  useValueForTime: false;
  step: string;
};

/** Builds a Prometheus annotation query on the dashboard's datasource variable. */
export function prometheusAnnotation(spec: PrometheusAnnotationSpec): cog.Builder<AnnotationQuery> {
  return {
    build(): PrometheusAnnotationQuery {
      return {
        name: spec.name,
        datasource: PROMETHEUS_DATASOURCE,
        enable: true,
        hide: false,
        iconColor: spec.iconColor,
        expr: spec.expr,
        titleFormat: spec.titleFormat,
        textFormat: spec.textFormat,
        tagKeys: spec.tagKeys,
        useValueForTime: false,
        step: '15s',
      };
    },
  };
}
