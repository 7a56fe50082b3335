/**
 * keelson's CrossGuard policies. Exported one by one so tests call `validateResource` directly;
 * `infra/policy/index.ts` assembles the pack (`pulumi preview --policy-pack infra/policy`).
 */
import type { ResourceValidationPolicy } from '@pulumi/policy';
import { isDigestPinned } from '../../contract/deploy-spec.js';
import { GPU_NODE_LABELS, GPU_RESOURCE, GPU_TAINT, kubernetesEffect, selectsNodes, tolerates, type TaintLike } from '../gpu/scheduling.js';
import { containersOf, describe, podSpecOf, type Props } from './workloads.js';

/** Every container runs as non-root and has CPU and memory limits. */
export const nonRootWithLimits: ResourceValidationPolicy = {
  name: 'keelson-non-root-with-limits',
  description: 'Containers run as non-root (runAsNonRoot, uid ≠ 0) and set CPU and memory limits.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    const who = describe(args.type, args.props, args.name);
    for (const c of containersOf(pod)) {
      const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
      const uid = c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser;
      if (nonRoot !== true || uid === 0) {
        report(`${who}: container "${c.name}" runAsNonRoot = ${nonRoot}, runAsUser = ${uid}: expected runAsNonRoot true and a non-zero uid`);
      }
      for (const resource of ['cpu', 'memory']) {
        if (!c.resources?.limits?.[resource]) report(`${who}: container "${c.name}" has no ${resource} limit: expected resources.limits.${resource}`);
      }
    }
  },
};

/** Pods asking for a GPU tolerate the GPU taint and select GPU nodes. */
export const gpuPodsTolerateTaint: ResourceValidationPolicy = {
  name: 'keelson-gpu-pods-tolerate-taint',
  description: `Pods requesting ${GPU_RESOURCE} tolerate the ${GPU_TAINT.key} taint and select nodes labelled node-role=gpu.`,
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    const wantsGpu = containersOf(pod).some((c) => c.resources?.limits?.[GPU_RESOURCE] ?? c.resources?.requests?.[GPU_RESOURCE]);
    if (!wantsGpu) return;
    const who = describe(args.type, args.props, args.name);
    if (!(pod.tolerations ?? []).some((t: object) => tolerates(t, GPU_TAINT))) {
      report(`${who}: requests ${GPU_RESOURCE} but tolerations ${JSON.stringify(pod.tolerations ?? [])}: expected one tolerating ${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect}`);
    }
    if (!selectsNodes(pod.nodeSelector, GPU_NODE_LABELS)) {
      report(`${who}: requests ${GPU_RESOURCE} but nodeSelector ${JSON.stringify(pod.nodeSelector ?? {})}: expected ${JSON.stringify(GPU_NODE_LABELS)}`);
    }
  },
};

/** GPU node groups and pools carry the GPU taint and label, so only GPU pods land there. */
export const gpuNodesTainted: ResourceValidationPolicy = {
  name: 'keelson-gpu-nodes-tainted',
  description: `GPU node groups (EKS) and node pools (GKE) carry the ${GPU_TAINT.key} NoSchedule taint and the node-role=gpu label.`,
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const node = gpuNodeShape(args.type, args.props);
    if (!node) return;
    const carries = node.taints.some((t) => t.key === GPU_TAINT.key && t.value === GPU_TAINT.value && kubernetesEffect(t.effect) === GPU_TAINT.effect);
    if (!carries) {
      report(`${args.type} ${args.name}: taints ${JSON.stringify(node.taints)}: expected ${GPU_TAINT.key}=${GPU_TAINT.value} with effect NO_SCHEDULE`);
    }
    if (!selectsNodes(GPU_NODE_LABELS, node.labels)) {
      report(`${args.type} ${args.name}: labels ${JSON.stringify(node.labels)}: expected ${JSON.stringify(GPU_NODE_LABELS)}`);
    }
  },
};

/** Taints and labels of a GPU node group or pool; undefined when the resource is not one. */
function gpuNodeShape(type: string, props: Props): { taints: TaintLike[]; labels: Record<string, string> } | undefined {
  if (type === 'eks:index:ManagedNodeGroup' || type === 'aws:eks/nodeGroup:NodeGroup') {
    const gpu = props.gpu === true || /NVIDIA|GPU/i.test(props.amiType ?? '');
    return gpu ? { taints: props.taints ?? [], labels: props.labels ?? {} } : undefined;
  }
  if (type === 'gcp:container/nodePool:NodePool') {
    const config = props.nodeConfig ?? {};
    return (config.guestAccelerators ?? []).length > 0 ? { taints: config.taints ?? [], labels: config.labels ?? {} } : undefined;
  }
  return undefined;
}

/** Container images are pinned by digest, so what runs is exactly what was tested. */
export const imagesPinnedByDigest: ResourceValidationPolicy = {
  name: 'keelson-images-pinned-by-digest',
  description: 'Container images are referenced as name@sha256:<digest>, never by a mutable tag.',
  enforcementLevel: 'mandatory',
  validateResource: (args, report) => {
    const pod = podSpecOf(args.type, args.props);
    if (!pod) return;
    for (const c of containersOf(pod)) {
      if (typeof c.image !== 'string' || !isDigestPinned(c.image)) {
        report(`${describe(args.type, args.props, args.name)}: container "${c.name}" image "${c.image}": expected name@sha256:<64 hex digits>`);
      }
    }
  },
};

export { noPublicLoadBalancer, productionReplicas } from './exposure.js';
export { analysisFailsClosed, productionRolloutAnalysis } from './rollouts.js';
export { endpointProtectedAdvisory, productionEndpointProtected } from './endpoint.js';
