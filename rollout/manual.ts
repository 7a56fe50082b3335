import { PlatformClient } from '../platform/client.js';
import { keelsonPaths, type KeelsonPaths } from '../contract/keelson-paths.js';

/**
 * `keelson promote` / `keelson rollback`: ends the running rollout through the platform. The rollout's
 * controller, if alive, sees the rollout ended and exits with the outcome; if it died, this resolves it.
 */
export async function finishManually(action: 'promote' | 'rollback', reason: string, paths: KeelsonPaths = keelsonPaths()): Promise<string> {
  const end = await PlatformClient.locate(paths).finish(undefined, action, reason);
  const live = end.outcome === 'promoted' ? end.toVersion : end.fromVersion;
  return `rollout ${end.id} ${end.outcome}: ${end.model}:${live} is stable`;
}
