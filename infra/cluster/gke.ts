/** The GKE flavour of the Cluster component: a zonal or regional cluster, a system pool and a GPU pool. */
import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { GkeSettings, GpuSettings } from '../config/settings.js';
import { GPU_NODE_LABELS, GPU_TAINT_CLOUD, SYSTEM_NODE_LABELS } from '../gpu/scheduling.js';
import { gkeKubeconfig } from './kubeconfig.js';

/** What the GKE build hands back to the Cluster component. */
export interface GkeParts {
  kubeconfig: pulumi.Output<string>;
  ready: pulumi.Resource[];
  gpuNodeGroup?: pulumi.Resource;
}

/** GKE's default persistent-disk StorageClass. */
export const GKE_STORAGE_CLASS = 'standard-rwo';

const OAUTH_SCOPES = ['https://www.googleapis.com/auth/cloud-platform'];

/** Builds the GKE cluster and node pools as children of `parent`. */
export function createGke(name: string, s: GkeSettings, gpu: GpuSettings & { desiredNodes: number }, parent: pulumi.Resource): GkeParts {
  const opts = { parent };
  const cluster = new gcp.container.Cluster(
    name,
    {
      name: s.clusterName,
      location: s.location,
      minMasterVersion: s.kubernetesVersion,
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      releaseChannel: { channel: 'REGULAR' },
      // Dataplane V2 enforces NetworkPolicy; the Gateway API channel brings GKE's GatewayClasses.
      datapathProvider: 'ADVANCED_DATAPATH',
      gatewayApiConfig: { channel: 'CHANNEL_STANDARD' },
      deletionProtection: false,
    },
    opts,
  );
  const system = new gcp.container.NodePool(
    `${name}-system`,
    {
      cluster: cluster.name,
      location: s.location,
      nodeCount: s.systemNodeCount,
      nodeConfig: { machineType: s.systemMachineType, labels: { ...SYSTEM_NODE_LABELS }, oauthScopes: OAUTH_SCOPES },
      management: { autoRepair: true, autoUpgrade: true },
    },
    opts,
  );
  const gpuNodeGroup = gpu.nodePool
    ? new gcp.container.NodePool(
        `${name}-gpu`,
        {
          cluster: cluster.name,
          location: s.location,
          initialNodeCount: gpu.desiredNodes,
          // GKE's built-in cluster autoscaler scales the pool, from zero when minNodes is 0.
          autoscaling: { minNodeCount: gpu.minNodes, maxNodeCount: gpu.maxNodes },
          nodeConfig: {
            machineType: gpu.instanceType,
            guestAccelerators: [
              { type: gpu.accelerator, count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: 'LATEST' } },
            ],
            labels: { ...GPU_NODE_LABELS },
            taints: [{ ...GPU_TAINT_CLOUD }],
            oauthScopes: OAUTH_SCOPES,
          },
          management: { autoRepair: true, autoUpgrade: true },
        },
        { parent, ignoreChanges: ['initialNodeCount'] },
      )
    : undefined;
  const kubeconfig = pulumi
    .all([cluster.name, cluster.endpoint, cluster.masterAuth])
    .apply(([clusterName, endpoint, auth]) => gkeKubeconfig(clusterName, endpoint, auth.clusterCaCertificate ?? ''));
  return {
    kubeconfig: pulumi.secret(kubeconfig),
    ready: [system, ...(gpuNodeGroup ? [gpuNodeGroup] : [])],
    gpuNodeGroup,
  };
}
