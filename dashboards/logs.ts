/**
 * Logs: request and lifecycle metrics whose panels open the matching ECS log lines in Kibana, filtered by
 * service and request id (the `request_id` variable; `*` means any request).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { SERVICE_METRICS as M } from '../contract/metrics.js';
import { kibanaDiscoverUrl, kqlEquals, type KibanaTarget } from './kibana.js';
import { addRows, keelsonDashboard } from './layout.js';
import type { DashboardOptions } from './options.js';
import { query, stateTimelinePanel, timeseriesPanel, type Link } from './panels.js';
import { quantile, rate, re, series, sumBy } from './promql.js';
import { datasourceVariable, MODEL_MATCHERS, modelVariables, NAMESPACE_MATCHER, RATE_WINDOW, textVariable } from './variables.js';

/** ECS fields of the service's log lines (service/src/logging: pino + @elastic/ecs-pino-format). */
const ECS_FIELDS = {
  service: 'service.name',
  requestId: 'http.request.id',
  statusCode: 'http.response.status_code',
  duration: 'event.duration',
  category: 'event.category',
} as const;

/** Builds the "keelson / Logs" dashboard. */
export function logsDashboard(options: DashboardOptions): Dashboard {
  const kibana: KibanaTarget = { baseUrl: options.kibanaUrl, dataView: options.kibanaDataView };
  const service = kqlEquals(ECS_FIELDS.service, '${service:percentencode}');
  const request = `${ECS_FIELDS.requestId}:\${request_id:percentencode}`;
  const link = (title: string, clauses: string[], sort?: string): Link => ({ title, url: kibanaDiscoverUrl(kibana, [service, ...clauses], sort) });
  const infer = [NAMESPACE_MATCHER, re('route', options.inferRouteRegex)];
  const builder = keelsonDashboard(
    'keelson-logs',
    'keelson / Logs',
    'Request and lifecycle activity of the inference service; every panel links to the ECS log lines in Kibana for the service and request id chosen above.',
  ).variables([
    datasourceVariable(),
    ...modelVariables(),
    textVariable('service', 'Service (ECS service.name)', options.serviceName),
    textVariable('request_id', 'Request id (X-Request-Id, * = any)', '*'),
  ]);
  return addRows(builder, [
    {
      title: 'Requests',
      panels: [
        timeseriesPanel({
          title: 'Requests per second by route and status',
          description: 'Click a series to open its log lines in Kibana (same status code, the chosen service and request id).',
          queries: [query(sumBy(['route', 'code'], rate(M.httpRequests, [NAMESPACE_MATCHER], RATE_WINDOW)), '{{route}} {{code}}')],
          unit: 'reqps',
          panelLinks: [link('Kibana: request logs', [request])],
          dataLinks: [link('Kibana: requests with status ${__field.labels.code}', [request, `${ECS_FIELDS.statusCode}:\${__field.labels.code}`])],
          width: 24,
        }),
      ],
    },
    {
      title: 'Errors',
      panels: [
        timeseriesPanel({
          title: 'Error responses per second (4xx and 5xx)',
          description: 'Requests the service refused (4xx) or failed (5xx). Click a series for those log lines; each carries the error message.',
          queries: [query(sumBy(['route', 'code'], rate(M.httpRequests, [NAMESPACE_MATCHER, re('code', '[45]..')], RATE_WINDOW)), '{{route}} {{code}}')],
          unit: 'reqps',
          panelLinks: [link('Kibana: error logs', [request, `${ECS_FIELDS.statusCode} >= 400`])],
          dataLinks: [link('Kibana: requests with status ${__field.labels.code}', [request, `${ECS_FIELDS.statusCode}:\${__field.labels.code}`])],
          width: 24,
        }),
      ],
    },
    {
      title: 'Slow requests',
      panels: [
        timeseriesPanel({
          title: 'Inference route latency p99',
          description: 'When p99 jumps, open the slowest requests in Kibana (sorted by duration, longest first).',
          queries: [query(quantile(0.99, M.httpDuration, infer, ['route'], RATE_WINDOW), '{{route}}')],
          unit: 's',
          panelLinks: [link('Kibana: slowest requests', [request], ECS_FIELDS.duration)],
          dataLinks: [link('Kibana: slowest requests', [request], ECS_FIELDS.duration)],
          width: 24,
        }),
      ],
    },
    {
      title: 'Model lifecycle',
      panels: [
        stateTimelinePanel({
          title: 'Model versions ready',
          description: 'Readiness of each model version; lifecycle events (loaded, refused, ready, draining, stopped) are in Kibana.',
          queries: [query(`min by (model, version) (${series(M.modelReady, MODEL_MATCHERS)})`, '{{model}} v{{version}}')],
          valueText: { '1': { text: 'ready', color: 'green' }, '0': { text: 'not ready', color: 'red' } },
          panelLinks: [link('Kibana: lifecycle events', [kqlEquals(ECS_FIELDS.category, 'process')])],
          dataLinks: [link('Kibana: lifecycle events', [kqlEquals(ECS_FIELDS.category, 'process')])],
          width: 24,
        }),
      ],
    },
  ]).build();
}
