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
  /** Argo Rollouts controller (v1.9.0) with its CRDs: Rollout, AnalysisTemplate, AnalysisRun, Experiment. */
  argoRollouts: { chart: 'argo-rollouts', version: '2.41.0', repo: 'https://argoproj.github.io/argo-helm' },
} as const satisfies Record<string, PinnedChart>;

const GATEWAY_API_PLUGIN_VERSION = 'v0.15.0';
/**
 * Argo Rollouts' Gateway API traffic-router plugin: the controller downloads `url` at start, or loads the binary at
 * `file` that an init container copied from `image` (air-gapped clusters). The release publishes no checksums.
 */
export const GATEWAY_API_PLUGIN_RELEASE = {
  version: GATEWAY_API_PLUGIN_VERSION,
  url: `https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi/releases/download/${GATEWAY_API_PLUGIN_VERSION}/gatewayapi-plugin-linux-amd64`,
  image: `ghcr.io/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi:${GATEWAY_API_PLUGIN_VERSION}`,
  /** Where the image keeps the binary. */
  imageBinary: '/bin/rollouts-plugin-trafficrouter-gatewayapi',
} as const;

/** True when a chart version is an exact release (no ranges, no "latest"). */
export function isPinnedVersion(version: string | undefined): boolean {
  return typeof version === 'string' && /^v?\d+\.\d+\.\d+$/.test(version);
}
