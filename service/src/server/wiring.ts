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
