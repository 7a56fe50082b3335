/** The EKS flavour of the Cluster component: control plane, system and GPU managed node groups, add-ons. */
import * as aws from '@pulumi/aws';
import * as eks from '@pulumi/eks';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { EksSettings, GpuSettings } from '../config/settings.js';
import { GPU_NODE_LABELS, GPU_TAINT_CLOUD, SYSTEM_NODE_LABELS } from '../gpu/scheduling.js';

/** What the EKS build hands back to the Cluster component. */
export interface EksParts {
  kubeconfig: pulumi.Output<string>;
  /** Resources in-cluster objects must wait for (nodes and add-ons). */
  ready: pulumi.Resource[];
  gpuNodeGroup?: pulumi.Resource;
}

/** StorageClass the program creates on EKS (EBS gp3 through the EBS CSI driver). */
export const EKS_STORAGE_CLASS = 'gp3';

const NODE_POLICIES = [
  'arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy',
  'arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy',
  'arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly',
];

/** Builds the EKS control plane and node groups as children of `parent`. */
export function createEks(name: string, s: EksSettings, gpu: GpuSettings & { desiredNodes: number }, parent: pulumi.Resource): EksParts {
  const opts = { parent };
  const cluster = new eks.Cluster(
    name,
    {
      name: s.clusterName,
      version: s.kubernetesVersion,
      vpcId: s.vpcId,
      publicSubnetIds: s.publicSubnetIds,
      privateSubnetIds: s.privateSubnetIds,
      authenticationMode: eks.AuthenticationMode.Api,
      skipDefaultNodeGroup: true,
    },
    opts,
  );
  const nodeRole = new aws.iam.Role(`${name}-node`, { assumeRolePolicy: assumeRole('ec2.amazonaws.com') }, opts);
  NODE_POLICIES.forEach(
    (policyArn, i) => new aws.iam.RolePolicyAttachment(`${name}-node-policy-${i}`, { role: nodeRole.name, policyArn }, opts),
  );
  const system = new eks.ManagedNodeGroup(
    `${name}-system`,
    {
      cluster,
      nodeRole,
      amiType: 'AL2023_x86_64_STANDARD',
      instanceTypes: [s.systemInstanceType],
      labels: { ...SYSTEM_NODE_LABELS },
      scalingConfig: { minSize: s.systemNodeCount, desiredSize: s.systemNodeCount, maxSize: s.systemNodeCount * 2 },
    },
    opts,
  );
  const gpuNodeGroup = gpu.nodePool
    ? new eks.ManagedNodeGroup(
        `${name}-gpu`,
        {
          cluster,
          nodeRole,
          // The NVIDIA AMI ships the driver and container toolkit; the GPU Operator adds the device plugin.
          amiType: 'AL2023_x86_64_NVIDIA',
          instanceTypes: [gpu.instanceType],
          diskSize: 100,
          labels: { ...GPU_NODE_LABELS },
          taints: [{ ...GPU_TAINT_CLOUD }],
          scalingConfig: { minSize: gpu.minNodes, desiredSize: gpu.desiredNodes, maxSize: gpu.maxNodes },
          // An autoscaler owns the size once the group exists.
          ignoreScalingChanges: true,
        },
        opts,
      )
    : undefined;
  const addons = createAddons(name, s.clusterName, [cluster, system], parent);
  return {
    kubeconfig: pulumi.secret(cluster.kubeconfigJson),
    ready: [system, ...addons, ...(gpuNodeGroup ? [gpuNodeGroup] : [])],
    gpuNodeGroup,
  };
}

/** The EBS CSI driver (with a Pod Identity role) for persistent volumes and metrics-server for the HPA. */
function createAddons(name: string, clusterName: string, dependsOn: pulumi.Resource[], parent: pulumi.Resource): pulumi.Resource[] {
  const addon = (addonName: string, after: pulumi.Resource[] = []) =>
    new aws.eks.Addon(
      `${name}-${addonName}`,
      { clusterName, addonName, resolveConflictsOnCreate: 'OVERWRITE', resolveConflictsOnUpdate: 'OVERWRITE' },
      { parent, dependsOn: [...dependsOn, ...after] },
    );
  const podIdentity = addon('eks-pod-identity-agent');
  const ebsRole = new aws.iam.Role(`${name}-ebs-csi`, { assumeRolePolicy: assumeRole('pods.eks.amazonaws.com', true) }, { parent });
  new aws.iam.RolePolicyAttachment(
    `${name}-ebs-csi-policy`,
    { role: ebsRole.name, policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy' },
    { parent },
  );
  const association = new aws.eks.PodIdentityAssociation(
    `${name}-ebs-csi`,
    { clusterName, namespace: 'kube-system', serviceAccount: 'ebs-csi-controller-sa', roleArn: ebsRole.arn },
    { parent, dependsOn: [podIdentity] },
  );
  const ebs = addon('aws-ebs-csi-driver', [association]);
  const metricsServer = addon('metrics-server');
  return [podIdentity, ebs, metricsServer];
}

/** The default gp3 StorageClass (EKS ships none backed by the CSI driver). */
export function createEksStorageClass(name: string, provider: k8s.Provider, dependsOn: pulumi.Resource[], parent: pulumi.Resource) {
  return new k8s.storage.v1.StorageClass(
    `${name}-${EKS_STORAGE_CLASS}`,
    {
      metadata: { name: EKS_STORAGE_CLASS, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'ebs.csi.aws.com',
      volumeBindingMode: 'WaitForFirstConsumer',
      reclaimPolicy: 'Delete',
      allowVolumeExpansion: true,
      parameters: { type: 'gp3', encrypted: 'true' },
    },
    { parent, provider, dependsOn },
  );
}

function assumeRole(service: string, tagSession = false): string {
  const action = tagSession ? ['sts:AssumeRole', 'sts:TagSession'] : 'sts:AssumeRole';
  return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: action }] });
}
