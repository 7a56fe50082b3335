/**
 * Metric and label names that the service and the router export and that canary analysis, dashboards and
 * alerts read (docs/dashboards.md, "Rollout metric contract"). Import these constants rather
 * than retyping the strings.
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
  executionProvider: 'model_execution_provider_info',
  modelReady: 'model_ready',
  cacheRequests: 'model_cache_requests_total',
  feedback: 'model_feedback_total',
  feedbackConfusion: 'model_feedback_confusion_total',
  feedbackDelay: 'model_feedback_delay_seconds',
  feedbackHeld: 'model_feedback_predictions_held',
  feedbackEvictions: 'model_feedback_evictions_total',
  referenceAccuracy: 'model_reference_accuracy',
} as const;

/** Values of the `outcome` label of `model_feedback_total`: the prediction against the label a client sent later. */
export type FeedbackOutcome = 'correct' | 'incorrect';

/** Values of the `outcome` label of `model_inference_requests_total`. */
export type InferenceOutcome = 'success' | 'client_error' | 'server_error';

/** The outcomes that count as errors: an incompatible canary shows up as client errors. */
export const ERROR_OUTCOMES: readonly string[] = ['client_error', 'server_error'] satisfies readonly InferenceOutcome[];

/**
 * Target label that tells rollout arms apart (values: `VARIANTS`). Set by the scrape configuration (a
 * ServiceMonitor `podTargetLabels`/relabelling in the cluster, `static_configs` labels locally) and by the
 * router on its own metrics, never by the service.
 */
export const VARIANT_LABEL = 'variant';

/**
 * Gauge `keelson_rollout_weight{variant}`: percent (0..100) of inference traffic the router sends to each
 * variant. Exported for every variant the router knows, the values summing to 100; outside a rollout
 * `stable` is 100 and the others 0 (or absent).
 */
export const ROLLOUT_WEIGHT_METRIC = 'keelson_rollout_weight';

/**
 * Gauge `keelson_rollout_verdict{rollout_id,decision}`: 1 for the latest verdict of a rollout, 0 for that
 * rollout's other decisions (`decision` takes the values of `DECISIONS`; a state set, as kube-state-metrics does for pod phases).
 * Grafana draws a Prometheus annotation wherever a series is 1, so each verdict change becomes an annotation.
 */
export const ROLLOUT_VERDICT_METRIC = 'keelson_rollout_verdict';

/** HELP texts the exporter should use, so a scrape documents itself. */
export const ROLLOUT_METRIC_HELP = {
  [ROLLOUT_WEIGHT_METRIC]: 'Percent (0..100) of inference traffic routed to each variant.',
  [ROLLOUT_VERDICT_METRIC]: '1 for the latest canary-analysis verdict of a rollout, 0 for its other decisions.',
} as const;

/** Counter `keelson_judge_decisions_total{rollout,decision}`: verdicts `keelson judge serve` has answered. */
export const JUDGE_DECISIONS_METRIC = 'keelson_judge_decisions_total';
/** Gauge `keelson_judge_verdict{rollout,decision}`: 1 for the latest verdict of a rollout, 0 for its other decisions. */
export const JUDGE_VERDICT_METRIC = 'keelson_judge_verdict';
/**
 * Target label with the `rollouts-pod-template-hash` of an arm's pods (Argo Rollouts' pod label, as a ServiceMonitor's
 * `podTargetLabels` writes it): `keelson judge serve` tells the arms apart by it.
 */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts_pod_template_hash';
