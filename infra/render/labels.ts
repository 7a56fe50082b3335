/**
 * Names, labels and ports of the inference service in the cluster. Fixed by the service (issue 2) and
 * the `variant` label of the contract; pure.
 */
import { VARIANT_LABEL } from '../../contract/metrics.js';
import type { Variant } from '../../contract/variants.js';

export const APP_NAME = 'keelson';
/** The service listens here and serves `/metrics` on the same port. */
export const CONTAINER_PORT = 8080;
export const PORT_NAME = 'http';
/** `keelson serve --metrics-port`: /metrics and the health probes, answered by a thread of their own. */
export const PROBE_PORT = 9090;
export const PROBE_PORT_NAME = 'probes';
export const METRICS_PATH = '/metrics';
export const LIVE_PATH = '/v2/health/live';
export const READY_PATH = '/v2/health/ready';
/** Where the image keeps its model repository (baked in at build time). */
export const MODELS_DIR = '/models';

/** Labels every keelson pod and Service carries, whatever the variant. */
export function appLabels(): Record<string, string> {
  return { 'app.kubernetes.io/name': APP_NAME, 'app.kubernetes.io/component': 'inference' };
}

/** Pod selector for one variant (stable pods, canary pods...). */
export function variantSelector(variant: Variant): Record<string, string> {
  return { ...appLabels(), [VARIANT_LABEL]: variant };
}

/** Labels of a pod template: the selector plus what the pod serves. */
export function podLabels(variant: Variant, model: { name: string; version: string }): Record<string, string> {
  return { ...variantSelector(variant), 'keelson.dev/model': model.name, 'keelson.dev/model-version': model.version };
}

/** `keelson-stable`, `keelson-canary`: Deployment and Service names per variant. */
export function variantName(variant: Variant): string {
  return `${APP_NAME}-${variant}`;
}

/** The headless Service Prometheus scrapes: it selects pods of every variant. */
export const METRICS_SERVICE = `${APP_NAME}-metrics`;
/** Labels of the metrics Service, which the ServiceMonitor selects. */
export function metricsServiceLabels(): Record<string, string> {
  return { ...appLabels(), 'keelson.dev/scrape': 'true' };
}
