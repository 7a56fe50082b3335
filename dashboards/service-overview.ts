/** Service overview: is the inference service healthy, per model version? */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { SERVICE_METRICS as M } from '../contract/metrics.js';
import { addRows, keelsonDashboard } from './layout.js';
import { query, statPanel, timeseriesPanel } from './panels.js';
import { eq, histogramMean, quantile, rate, re, series, share, sumBy } from './promql.js';
import type { DashboardOptions } from './options.js';
import { datasourceVariable, MODEL_MATCHERS, modelVariables, NAMESPACE_MATCHER, RATE_WINDOW } from './variables.js';

const byVersion = ['model', 'version'];
const versionLegend = '{{model}} v{{version}}';

/** Builds the "keelson / Service overview" dashboard. */
export function serviceOverviewDashboard(options: DashboardOptions): Dashboard {
  const model = MODEL_MATCHERS;
  const infer = [NAMESPACE_MATCHER, re('route', options.inferRouteRegex)];
  const latency = (q: number) => query(quantile(q, M.inferenceDuration, model, byVersion, RATE_WINDOW), `p${Math.round(q * 100)} ${versionLegend}`);
  const builder = keelsonDashboard(
    'keelson-service-overview',
    'keelson / Service overview',
    'Traffic, errors, latency, batching and cache of the inference service, per model version.',
  )
    .variables([datasourceVariable(), ...modelVariables()]);
  return addRows(builder, [
    {
      title: 'Traffic',
      panels: [
        timeseriesPanel({
          title: 'Inference requests per second by version',
          description: 'Rate of inference requests per model version, split by outcome (success, client_error, server_error).',
          queries: [query(sumBy([...byVersion, 'outcome'], rate(M.inferenceRequests, model, RATE_WINDOW)), `${versionLegend} {{outcome}}`)],
          unit: 'reqps',
          width: 10,
        }),
        timeseriesPanel({
          title: 'HTTP requests per second by route and status',
          description: 'Every HTTP request the service answered, by route template and status code.',
          queries: [query(sumBy(['route', 'code'], rate(M.httpRequests, [NAMESPACE_MATCHER], RATE_WINDOW)), '{{route}} {{code}}')],
          unit: 'reqps',
          width: 9,
        }),
        timeseriesPanel({
          title: 'In-flight requests',
          description: 'Requests being processed right now, per instance. A steady climb means the service is falling behind.',
          queries: [query(sumBy(['instance'], series(M.httpInFlight, [NAMESPACE_MATCHER])), '{{instance}}')],
          unit: 'short',
          width: 5,
        }),
      ],
    },
    {
      title: 'Errors',
      panels: [
        timeseriesPanel({
          title: 'Inference error ratio by version',
          description: 'Share of inference requests that failed: server errors (the service is at fault) and all errors (including bad client input).',
          queries: [
            query(share(rate(M.inferenceRequests, [...model, eq('outcome', 'server_error')], RATE_WINDOW), rate(M.inferenceRequests, model, RATE_WINDOW), byVersion), `server errors ${versionLegend}`),
            query(share(rate(M.inferenceRequests, [...model, re('outcome', '.+_error')], RATE_WINDOW), rate(M.inferenceRequests, model, RATE_WINDOW), byVersion), `all errors ${versionLegend}`),
          ],
          unit: 'percentunit',
          min: 0,
          thresholds: [{ value: 0.001, color: 'red' }],
          width: 16,
        }),
        statPanel({
          title: '5xx ratio on inference routes',
          description: 'Share of inference-route responses with a 5xx status: the availability SLI of the SLO alerts.',
          queries: [query(share(rate(M.httpRequests, [...infer, re('code', '5..')], RATE_WINDOW), rate(M.httpRequests, infer, RATE_WINDOW), []), '5xx ratio')],
          unit: 'percentunit',
          thresholds: [{ value: 0.001, color: 'red' }],
          width: 8,
        }),
      ],
    },
    {
      title: 'Latency',
      panels: [
        timeseriesPanel({
          title: 'Inference route latency (HTTP) p50 / p95 / p99',
          description: 'End-to-end latency of the inference routes as the HTTP server measured it, including queueing, validation and serialisation.',
          queries: [0.5, 0.95, 0.99].map((q) => query(quantile(q, M.httpDuration, infer, [], RATE_WINDOW), `p${Math.round(q * 100)}`)),
          unit: 's',
          width: 12,
        }),
        timeseriesPanel({
          title: 'Model compute latency p50 / p95 / p99 by version',
          description: 'Time onnxruntime spent computing, per model version (excludes queueing and HTTP).',
          queries: [latency(0.5), latency(0.95), latency(0.99)],
          unit: 's',
          width: 12,
        }),
        timeseriesPanel({
          title: 'Queue vs compute time (p95) by version',
          description: 'Where a request waits: in the batching queue or in the model. Queue time growing alone means the workers are saturated.',
          queries: [
            query(quantile(0.95, M.queueDuration, model, byVersion, RATE_WINDOW), `queue ${versionLegend}`),
            query(quantile(0.95, M.inferenceDuration, model, byVersion, RATE_WINDOW), `compute ${versionLegend}`),
          ],
          unit: 's',
          width: 12,
        }),
        timeseriesPanel({
          title: 'Batch size by version',
          description: 'Rows per model run: mean and p95. Near 1 under load means dynamic batching is not merging requests.',
          queries: [
            query(histogramMean(M.batchSize, model, byVersion, RATE_WINDOW), `mean ${versionLegend}`),
            query(quantile(0.95, M.batchSize, model, byVersion, RATE_WINDOW), `p95 ${versionLegend}`),
          ],
          unit: 'short',
          width: 12,
        }),
      ],
    },
    {
      title: 'Cache and readiness',
      panels: [
        timeseriesPanel({
          title: 'Prediction cache hit ratio by version',
          description: 'Share of cache lookups answered from the prediction cache (only when the service runs with --cache-bytes).',
          queries: [query(share(rate(M.cacheRequests, [...model, eq('result', 'hit')], RATE_WINDOW), rate(M.cacheRequests, model, RATE_WINDOW), byVersion), versionLegend)],
          unit: 'percentunit',
          min: 0,
          max: 1,
          width: 16,
        }),
        statPanel({
          title: 'Model versions ready',
          description: 'model_ready per loaded version: 1 once the version is loaded and passed its warm-up inference.',
          queries: [query(`min by (model, version) (${series(M.modelReady, model)})`, versionLegend)],
          valueText: { '1': { text: 'Ready', color: 'green' }, '0': { text: 'Not ready', color: 'red' } },
          width: 8,
        }),
      ],
    },
  ]).build();
}
