/**
 * How GPU work finds GPU nodes and nothing else lands there: one taint on GPU nodes, the matching
 * toleration, the node label and selector. The cluster (node pools), the service (pods) and the policy
 * pack all read these, so they cannot drift apart.
 */

/** Node label every GPU node carries. */
export const GPU_NODE_LABELS = { 'node-role': 'gpu' } as const;
/** Node label of the system pool. */
export const SYSTEM_NODE_LABELS = { 'node-role': 'system' } as const;

/** Extended resource the NVIDIA device plugin advertises. */
export const GPU_RESOURCE = 'nvidia.com/gpu';

/** The taint on GPU nodes, in Kubernetes terms. */
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'true', effect: 'NoSchedule' } as const;

/** The same taint as EKS managed node groups and GKE node pools spell it. */
export const GPU_TAINT_CLOUD = { key: GPU_TAINT.key, value: GPU_TAINT.value, effect: 'NO_SCHEDULE' } as const;

/** Toleration GPU pods carry. */
export const GPU_TOLERATION = { key: GPU_TAINT.key, operator: 'Exists', effect: GPU_TAINT.effect } as const;

/** A taint in either spelling (Kubernetes `NoSchedule` or cloud API `NO_SCHEDULE`). */
export interface TaintLike {
  key: string;
  value?: string;
  effect: string;
}

/** A pod toleration. */
export interface TolerationLike {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

const EFFECTS: Record<string, string> = {
  NO_SCHEDULE: 'NoSchedule',
  PREFER_NO_SCHEDULE: 'PreferNoSchedule',
  NO_EXECUTE: 'NoExecute',
};

/** `NO_SCHEDULE` → `NoSchedule`; Kubernetes spellings pass through. */
export function kubernetesEffect(effect: string): string {
  return EFFECTS[effect] ?? effect;
}

/** Kubernetes' toleration matching rule (an empty key with `Exists` tolerates everything). */
export function tolerates(toleration: TolerationLike, taint: TaintLike): boolean {
  const effect = kubernetesEffect(taint.effect);
  if (toleration.effect && toleration.effect !== effect) return false;
  const operator = toleration.operator ?? 'Equal';
  if (!toleration.key) return operator === 'Exists';
  if (toleration.key !== taint.key) return false;
  return operator === 'Exists' || (toleration.value ?? '') === (taint.value ?? '');
}

/** True when a node selector picks only nodes carrying all of `nodeLabels`. */
export function selectsNodes(nodeSelector: Record<string, string> | undefined, nodeLabels: Record<string, string>): boolean {
  if (!nodeSelector || Object.keys(nodeSelector).length === 0) return false;
  return Object.entries(nodeSelector).every(([key, value]) => nodeLabels[key] === value);
}
