/** Helm values for the NVIDIA GPU Operator per cluster flavour. Pure. */
import type { ClusterProvider } from '../config/settings.js';
import { GPU_TOLERATION } from './scheduling.js';

/** Where GKE installs the NVIDIA driver on its nodes. */
const GKE_DRIVER_DIR = '/home/kubernetes/bin/nvidia';

/**
 * - EKS `AL2023_x86_64_NVIDIA` nodes ship driver and container toolkit: the operator adds the device plugin.
 * - GKE installs the driver and runs its own device plugin: the operator adds the toolkit and DCGM only.
 * - Existing clusters: driver and toolkit unless the nodes already have them (`gpuDriverPreinstalled`).
 * DCGM exporter runs everywhere with a ServiceMonitor, so Prometheus scrapes GPU metrics.
 */
export function gpuOperatorValues(provider: ClusterProvider, driverPreinstalled: boolean) {
  const driverOnNodes = provider !== 'existing' || driverPreinstalled;
  const gke = provider === 'gke';
  return {
    driver: { enabled: !driverOnNodes },
    toolkit: { enabled: gke || !driverOnNodes, ...(gke ? { installDir: GKE_DRIVER_DIR } : {}) },
    devicePlugin: { enabled: !gke },
    ...(gke ? { hostPaths: { driverInstallDir: GKE_DRIVER_DIR }, cdi: { enabled: true, default: true } } : {}),
    nfd: { enabled: true },
    daemonsets: { tolerations: [{ ...GPU_TOLERATION }] },
    dcgmExporter: { enabled: true, serviceMonitor: { enabled: true, interval: '15s', honorLabels: true } },
  };
}
