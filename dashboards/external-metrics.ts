/**
 * Names of metrics that dashboards and alerts read from exporters keelson does not own. The names keelson's
 * own parts export (service, router, rollout) live in `contract/metrics.ts`.
 */

/** NVIDIA DCGM exporter metrics (dcgm-exporter default counters); labels include `Hostname`, `gpu`, `UUID`, `namespace`, `pod`. */
export const DCGM_METRICS = {
  gpuUtil: 'DCGM_FI_DEV_GPU_UTIL',
  memoryUsed: 'DCGM_FI_DEV_FB_USED',
  memoryFree: 'DCGM_FI_DEV_FB_FREE',
  temperature: 'DCGM_FI_DEV_GPU_TEMP',
  powerUsage: 'DCGM_FI_DEV_POWER_USAGE',
} as const;

/**
 * Argo Rollouts controller metrics (`:8090/metrics`; controller/metrics/prommetrics.go). Each carries the object's
 * `namespace` and `name`; scrape them so that `namespace` stays the object's (see docs/dashboards.md).
 */
export const ARGO_ROLLOUTS_METRICS = {
  /** Gauge 1 per Rollout; labels `strategy`, `traffic_router` (empty for plugin routers), `phase` (`ROLLOUT_INFO_PHASES`). */
  rolloutInfo: 'rollout_info',
  /** Gauge 0/1 per AnalysisRun metric and phase; labels `metric`, `type` (`Web`), `dry_run`, `phase` (`ANALYSIS_PHASES`). */
  analysisRunMetricPhase: 'analysis_run_metric_phase',
} as const;

/** `rollout_info`'s phase as the controller computes it (calculatePhase), which is not the Rollout's `status.phase`. */
export const ROLLOUT_INFO_PHASES = ['Progressing', 'Paused', 'Completed', 'Abort', 'Timeout', 'Error', 'InvalidSpec'] as const;

/** Phases of an AnalysisRun and of each of its metrics. */
export const ANALYSIS_PHASES = ['Pending', 'Running', 'Successful', 'Inconclusive', 'Failed', 'Error'] as const;

/**
 * What keelson's cluster canary is called in those metrics; the same names as infra/render (the Rollout, the
 * AnalysisTemplate's metric) and the judge's Service, whose ServiceMonitor job label is the Service's name.
 * Repeated here because infra imports dashboards; test/dashboards checks they agree.
 */
export const KEELSON_ARGO = { rollout: 'keelson', judgeMetric: 'judge', judgeJob: 'keelson-judge' } as const;
