/** Names of the cluster's shared parts that more than one component (and `keelson deploy`) must agree on. Pure. */

/** kube-prometheus-stack: its namespace and Helm release (the chart names its Services after the release). */
export const MONITORING_NAMESPACE = 'monitoring';
export const MONITORING_RELEASE = 'kube-prometheus-stack';
/** Where the Argo Rollouts controller runs. */
export const ROLLOUTS_NAMESPACE = 'argo-rollouts';

/** The in-cluster Prometheus of the monitoring release. */
export function prometheusUrl(namespace = MONITORING_NAMESPACE): string {
  return `http://${MONITORING_RELEASE}-prometheus.${namespace}.svc:9090`;
}
