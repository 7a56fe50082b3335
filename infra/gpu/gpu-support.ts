/** GpuSupport: the NVIDIA GPU Operator (device plugin, DCGM exporter) so pods can ask for `nvidia.com/gpu`. */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterProvider } from '../config/settings.js';
import { pinnedRelease } from '../shared/helm.js';
import { CHARTS } from '../versions.js';
import { gpuOperatorValues } from './operator-values.js';

const GPU_OPERATOR_NAMESPACE = 'gpu-operator';

export interface GpuSupportArgs {
  provider: ClusterProvider;
  driverPreinstalled: boolean;
  /** The monitoring release: the DCGM ServiceMonitor needs its CRDs. */
  monitoringCrds: pulumi.Input<pulumi.Resource>[];
  /** GPU nodes, when this program created them. */
  gpuNodes?: pulumi.Resource;
}

/** The GPU Operator release in its own privileged namespace. */
export class GpuSupport extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: GpuSupportArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:gpu:GpuSupport', name, {}, opts);
    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      // The operator's DaemonSets mount host paths and run privileged.
      { metadata: { name: GPU_OPERATOR_NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } },
      { parent: this },
    );
    this.release = new k8s.helm.v3.Release(
      `${name}-operator`,
      {
        ...pinnedRelease(CHARTS.gpuOperator),
        name: 'gpu-operator',
        namespace: GPU_OPERATOR_NAMESPACE,
        values: gpuOperatorValues(args.provider, args.driverPreinstalled),
        // With minSize 0 there may be no GPU node yet: do not wait for DaemonSets that have nowhere to run.
        skipAwait: true,
      },
      { parent: this, dependsOn: [namespace, ...args.monitoringCrds, ...(args.gpuNodes ? [args.gpuNodes] : [])] },
    );
    this.registerOutputs({ namespace: GPU_OPERATOR_NAMESPACE });
  }
}
