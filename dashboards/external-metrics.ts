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
