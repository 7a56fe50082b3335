/**
 * What `kubectl argo rollouts abort | retry | promote` send (argo-rollouts pkg/kubectl-argo-rollouts/cmd/{abort,retry,
 * promote}): JSON merge patches of the Rollout's `status` subresource, falling back to the main resource when the
 * API server has no status subresource (404), as the plugin does.
 */
import type { Cluster } from './client.js';
import { KubernetesError } from './errors.js';
import { ROLLOUT } from './resources.js';
import type { RolloutObject } from './rollout-objects.js';

export const ABORT_PATCH = { status: { abort: true } } as const;
export const RETRY_PATCH = { status: { abort: false } } as const;

/** The plugin's patches for a plain `promote` (no --full, no skip flags): `getPatches`' default branch. Pure. */
export function promotePatches(rollout: RolloutObject): { spec?: object; status?: object; unified: object } {
  const s = rollout.status ?? {};
  const paused = rollout.spec?.paused === true;
  const steps = rollout.spec?.strategy?.canary?.steps;
  const next = Math.min((s.currentStepIndex ?? 0) + 1, steps?.length ?? 0);
  const pauses = (s.pauseConditions ?? []).length > 0;
  const inconclusive = s.canary?.currentStepAnalysisRunStatus?.status === 'Inconclusive';
  const spec = paused ? { spec: { paused: false } } : {};
  let status: object | undefined;
  let unified: object = { spec: { paused: false }, status: { pauseConditions: null } };
  if (inconclusive && pauses && s.controllerPause) status = { status: { pauseConditions: null, controllerPause: false, currentStepIndex: next } };
  else if (pauses) status = { status: { pauseConditions: null } };
  else if (steps && steps.length > 0) {
    status = { status: { pauseConditions: null, currentStepIndex: next } };
    unified = { spec: { paused: false }, status: { pauseConditions: null, currentStepIndex: next } };
  }
  return { ...spec, ...(status ? { status } : {}), unified };
}

/** Patches the status subresource; on a 404 there, the main resource with `fallback` (the plugin's behaviour). */
export async function patchRolloutStatus(cluster: Cluster, namespace: string, name: string, patch: object, fallback: object = patch): Promise<'status' | 'main'> {
  try {
    await cluster.mergePatch(ROLLOUT, namespace, name, patch, 'status');
    return 'status';
  } catch (error) {
    if (!(error instanceof KubernetesError) || (error.kind !== 'not-found' && error.kind !== 'not-installed')) throw error;
    await cluster.mergePatch(ROLLOUT, namespace, name, fallback);
    return 'main';
  }
}

/** `kubectl argo rollouts promote`: status patch (or the unified patch on the main resource), then unpause the spec. */
export async function promoteRollout(cluster: Cluster, namespace: string, rollout: RolloutObject): Promise<void> {
  const patches = promotePatches(rollout);
  let spec = patches.spec;
  if (patches.status && (await patchRolloutStatus(cluster, namespace, rollout.metadata.name, patches.status, patches.unified)) === 'main') spec = undefined;
  if (spec) await cluster.mergePatch(ROLLOUT, namespace, rollout.metadata.name, spec);
}
