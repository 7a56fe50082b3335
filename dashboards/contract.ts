/**
 * Metric and label names that dashboards and alerts read. The service metrics are fixed by the service
 * (issue 2); the rollout metrics are the contract the rollout pipeline exports (README, "Dashboards and
 * alerts" → "Rollout metric contract"). Import these constants rather than retyping the strings.
 */

/** Metrics the inference service exports on `/metrics`. */
export const SERVICE_METRICS = {
  httpRequests: 'http_requests_total',
  httpDuration: 'http_request_duration_seconds',
  httpInFlight: 'http_requests_in_flight',
  inferenceRequests: 'model_inference_requests_total',
  inferenceDuration: 'model_inference_duration_seconds',
  queueDuration: 'model_queue_duration_seconds',
  batchSize: 'model_batch_size',
  predictions: 'model_predictions_total',
  inputDriftPsi: 'model_input_drift_psi',
  modelInfo: 'model_info',
  modelReady: 'model_ready',
  cacheRequests: 'model_cache_requests_total',
} as const;

/** Route label values of the inference endpoints: Open Inference Protocol (V2) infer and KServe V1 predict. */
export const INFER_ROUTES = [
  '/v2/models/:model/infer',
  '/v2/models/:model/versions/:version/infer',
  '/v1/models/:model:predict',
  '/v1/models/:model/versions/:version:predict',
] as const;

/**
 * Target label that tells rollout arms apart. Set by the scrape configuration (a ServiceMonitor
 * `podTargetLabels`/relabelling in the cluster, `static_configs` labels locally), never by the service.
 */
export const VARIANT_LABEL = 'variant';

/** Values of the `variant` label: the live version, the fresh copy of it started beside the canary, the canary. */
export const VARIANTS = ['stable', 'baseline', 'canary'] as const;
export type Variant = (typeof VARIANTS)[number];

/**
 * Gauge `keelson_rollout_weight{variant}`: percent (0..100) of inference traffic the router sends to each
 * variant. Exported for every variant the router knows, the values summing to 100; outside a rollout
 * `stable` is 100 and the others 0 (or absent).
 */
export const ROLLOUT_WEIGHT_METRIC = 'keelson_rollout_weight';

/**
 * Gauge `keelson_rollout_verdict{rollout_id,decision}`: 1 for the latest verdict of a rollout, 0 for that
 * rollout's other decisions (a state set, as kube-state-metrics does for pod phases). Grafana draws a
 * Prometheus annotation wherever a series is 1, so each verdict change becomes an annotation.
 */
export const ROLLOUT_VERDICT_METRIC = 'keelson_rollout_verdict';

/** Values of the `decision` label of {@link ROLLOUT_VERDICT_METRIC}: the judge's verdicts. */
export const ROLLOUT_DECISIONS = ['continue', 'promote', 'rollback'] as const;
export type RolloutDecision = (typeof ROLLOUT_DECISIONS)[number];

/** HELP texts the exporter should use, so a scrape documents itself. */
export const ROLLOUT_METRIC_HELP = {
  [ROLLOUT_WEIGHT_METRIC]: 'Percent (0..100) of inference traffic routed to each variant.',
  [ROLLOUT_VERDICT_METRIC]: '1 for the latest canary-analysis verdict of a rollout, 0 for its other decisions.',
} as const;

/** NVIDIA DCGM exporter metrics (dcgm-exporter default counters); labels include `Hostname`, `gpu`, `UUID`, `namespace`, `pod`. */
export const DCGM_METRICS = {
  gpuUtil: 'DCGM_FI_DEV_GPU_UTIL',
  memoryUsed: 'DCGM_FI_DEV_FB_USED',
  memoryFree: 'DCGM_FI_DEV_FB_FREE',
  temperature: 'DCGM_FI_DEV_GPU_TEMP',
  powerUsage: 'DCGM_FI_DEV_POWER_USAGE',
} as const;
