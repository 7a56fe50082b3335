/** The Rollout wrappers of `keelson deploy status | promote | abort | retry`. */
import type { Cluster } from './client.js';
import { DeployError } from './errors.js';
import { readObservation } from './follow.js';
import { REPLICA_SET, ROLLOUT } from './resources.js';
import { ABORT_PATCH, patchRolloutStatus, promoteRollout, RETRY_PATCH } from './rollout-actions.js';
import type { RolloutObject } from './rollout-objects.js';
import { statusLines } from './rollout-status.js';

const NAME = 'keelson';

/** `--env`: the Rollout must carry the renderer's environment label, so a wrapper never touches another environment's. */
function checkEnvironment(rollout: RolloutObject, namespace: string, env: string | undefined): void {
  const label = rollout.metadata.labels?.['keelson.dev/environment'];
  if (env !== undefined && label !== env) {
    throw new DeployError(`--env ${env}: Rollout ${NAME} in ${namespace} belongs to environment ${label ?? '(no keelson.dev/environment label)'}: pass its --namespace or leave --env out`);
  }
}

export async function rolloutStatus(cluster: Cluster, namespace: string, env?: string): Promise<string[]> {
  const observation = await readObservation(cluster, namespace, NAME).catch((error: unknown) => {
    throw error instanceof DeployError ? new DeployError(`no Rollout ${NAME} in namespace ${namespace} on ${cluster.server}: nothing deployed there yet (keelson deploy --env ENV)`) : error;
  });
  checkEnvironment(observation.rollout, namespace, env);
  const stableRS = observation.rollout.status?.stableRS;
  const rs = stableRS ? await cluster.get<{ spec?: { template?: { spec?: { containers?: { image?: string }[] } } } }>(REPLICA_SET, namespace, `${NAME}-${stableRS}`) : undefined;
  return statusLines(observation, rs?.spec?.template?.spec?.containers?.[0]?.image);
}

export async function rolloutAction(cluster: Cluster, namespace: string, action: 'promote' | 'abort' | 'retry', env?: string): Promise<string> {
  const rollout = await cluster.get<RolloutObject>(ROLLOUT, namespace, NAME);
  if (!rollout) throw new DeployError(`no Rollout ${NAME} in namespace ${namespace} on ${cluster.server}: nothing to ${action}`);
  checkEnvironment(rollout, namespace, env);
  if (action === 'promote') await promoteRollout(cluster, namespace, rollout);
  else await patchRolloutStatus(cluster, namespace, NAME, action === 'abort' ? ABORT_PATCH : RETRY_PATCH);
  const done = { promote: 'promoted', abort: 'aborted', retry: 'retried' }[action];
  return `rollout '${NAME}' ${done} in ${namespace}`;
}
