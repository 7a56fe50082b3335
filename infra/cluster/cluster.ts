/** Cluster: where keelson runs (EKS, GKE or any cluster from a kubeconfig), as one Kubernetes provider. */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { ClusterProvider, EksSettings, GkeSettings, GpuSettings } from '../config/settings.js';
import { createEks, createEksStorageClass, EKS_STORAGE_CLASS } from './eks.js';
import { createGke, GKE_STORAGE_CLASS } from './gke.js';

export interface ClusterArgs {
  provider: ClusterProvider;
  eks: EksSettings;
  gke: GkeSettings;
  gpu: GpuSettings & { desiredNodes: number };
  /** Kubeconfig contents for `existing` (a secret). */
  kubeconfig?: pulumi.Input<string>;
  /** Kubeconfig context for `existing`; the file's current context when unset. */
  context?: string;
  /** StorageClass for persistent volumes on `existing`; the cluster default when unset. */
  storageClass?: string;
}

/** A Kubernetes cluster and the provider every in-cluster resource uses (server-side apply). */
export class Cluster extends pulumi.ComponentResource {
  readonly provider: k8s.Provider;
  readonly kubeconfig: pulumi.Output<string>;
  /** StorageClass for persistent volumes, undefined for the cluster's default. */
  readonly storageClassName: string | undefined;
  /** Nodes and add-ons that must exist before workloads are scheduled. */
  readonly ready: pulumi.Resource[];
  /** The GPU node group, when this program created one. */
  readonly gpuNodeGroup: pulumi.Resource | undefined;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('keelson:cluster:Cluster', name, {}, opts);
    const parts = this.build(name, args);
    this.kubeconfig = parts.kubeconfig;
    this.ready = parts.ready;
    this.gpuNodeGroup = parts.gpuNodeGroup;
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, context: args.provider === 'existing' ? args.context : undefined, enableServerSideApply: true },
      { parent: this, dependsOn: parts.ready },
    );
    this.storageClassName = { eks: EKS_STORAGE_CLASS, gke: GKE_STORAGE_CLASS, existing: args.storageClass }[args.provider];
    if (args.provider === 'eks') this.ready.push(createEksStorageClass(name, this.provider, parts.ready, this));
    this.registerOutputs({ kubeconfig: this.kubeconfig, storageClassName: this.storageClassName });
  }

  private build(name: string, args: ClusterArgs): { kubeconfig: pulumi.Output<string>; ready: pulumi.Resource[]; gpuNodeGroup?: pulumi.Resource } {
    switch (args.provider) {
      case 'eks':
        return createEks(name, args.eks, args.gpu, this);
      case 'gke':
        return createGke(name, args.gke, args.gpu, this);
      case 'existing':
        if (args.kubeconfig === undefined) {
          throw new Error('keelson:kubeconfig = (unset): expected the kubeconfig of the existing cluster (pulumi config set --secret keelson:kubeconfig "$(cat ~/.kube/config)")');
        }
        return { kubeconfig: pulumi.secret(pulumi.output(args.kubeconfig)), ready: [] };
    }
  }
}
