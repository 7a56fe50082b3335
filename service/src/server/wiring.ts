import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { InferenceObserver } from '../runtime/inference-engine.js';

/** Feeds the runtime's timings into the model histograms. */
export function observerFor(metrics: ServiceMetrics): InferenceObserver {
  return {
    queued: (model, version, seconds) => metrics.model(model, version).queue.observe(seconds),
    computed: (model, version, seconds) => metrics.model(model, version).compute.observe(seconds),
    batched: (model, version, rows) => metrics.model(model, version).batch.observe(rows),
    cacheLookup: (model, version, result) => metrics.cacheRequests.series({ model, version, result }).inc(),
  };
}
