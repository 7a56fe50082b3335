import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { InferenceObserver } from '../runtime/inference-engine.js';

/** Feeds the runtime's timings into the model histograms. */
export function observerFor(metrics: ServiceMetrics): InferenceObserver {
  return {
    queued: (model, version, seconds) => metrics.queueDuration.series({ model, version }).observe(seconds),
    computed: (model, version, seconds) => metrics.inferenceDuration.series({ model, version }).observe(seconds),
    batched: (model, version, rows) => metrics.batchSize.series({ model, version }).observe(rows),
    cacheLookup: (model, version, result) => metrics.cacheRequests.series({ model, version, result }).inc(),
  };
}

/** The `--metrics-port` server: `GET /metrics` and nothing else. */
export function metricsOnlyHandler(metrics: ServiceMetrics) {
  return async function serveMetrics(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: 'only GET /metrics is served on this port' }));
      return;
    }
    const { contentType, body } = await metrics.exposition();
    response.writeHead(200, { 'Content-Type': contentType }).end(body);
  };
}
