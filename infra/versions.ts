/**
 * Every Helm chart the program installs, pinned. Upgrading one is a reviewed change to this file (and
 * its row in docs/infrastructure.md), never a side effect of `pulumi up`.
 */

/** A chart at an exact version from a repository (https or oci). */
export interface PinnedChart {
  chart: string;
  version: string;
  repo: string;
}

export const CHARTS = {
  /** NVIDIA GPU Operator: device plugin, DCGM exporter, optionally driver and container toolkit. */
  gpuOperator: { chart: 'gpu-operator', version: 'v25.10.1', repo: 'https://helm.ngc.nvidia.com/nvidia' },
  /** Prometheus Operator (with its CRDs), Prometheus, Alertmanager, Grafana, kube-state-metrics, node exporter. */
  kubePrometheusStack: {
    chart: 'kube-prometheus-stack',
    version: '81.2.1',
    repo: 'https://prometheus-community.github.io/helm-charts',
  },
  /** Elastic Cloud on Kubernetes operator (Elasticsearch, Kibana, Beat CRDs). */
  eckOperator: { chart: 'eck-operator', version: '3.1.0', repo: 'https://helm.elastic.co' },
  /** Envoy Gateway: a Gateway API implementation for clusters without one (EKS, kind, k3s, on-prem). */
  envoyGateway: { chart: 'gateway-helm', version: 'v1.5.0', repo: 'oci://docker.io/envoyproxy' },
} as const satisfies Record<string, PinnedChart>;

/** True when a chart version is an exact release (no ranges, no "latest"). */
export function isPinnedVersion(version: string | undefined): boolean {
  return typeof version === 'string' && /^v?\d+\.\d+\.\d+$/.test(version);
}
