/**
 * The rollback window (Argo Rollouts' `rollbackWindow`): going back to a version that was stable before, with
 * the same model bytes, skips canary analysis. The analysis would judge it against the version it reverts away
 * from, and a regression there must never block the way back.
 */
import type { KnownGood, RolloutEnd, RolloutRecord } from '../platform/state.js';
import type { Clock } from './clock.js';
import type { RolloutPlatform } from './platform-port.js';

/**
 * The known-good entry that lets `record.toVersion` skip analysis, or null. The window holds the last `revisions`
 * known-good versions other than the current stable; the sha256 must match the bytes that were known good.
 */
export function rollbackWindowMatch(knownGood: readonly KnownGood[], record: Pick<RolloutRecord, 'fromVersion' | 'toVersion' | 'toSha256'>, revisions: number): KnownGood | null {
  if (revisions <= 0 || !record.toSha256) return null;
  const window = knownGood.filter((k) => k.version !== record.fromVersion).slice(-revisions);
  return window.findLast((k) => k.version === record.toVersion && k.sha256 === record.toSha256) ?? null;
}

/** Why analysis was skipped, as the report and `keelson status` say it. */
export function rollbackWindowReason(model: string, match: KnownGood, revisions: number): string {
  const how = match.how === 'bootstrap' ? 'the first stable version here' : match.how === 'promoted' ? `promoted by canary analysis${match.rolloutId ? ` in ${match.rolloutId}` : ''}` : 'restored within the rollback window';
  return `rollback window: ${model}:${match.version} (sha256 ${match.sha256?.slice(0, 12)}…) was stable before (${how}, since ${match.since}); returned to it without analysis (rollbackWindow ${revisions})`;
}

export interface WindowRolloutOptions {
  client: RolloutPlatform;
  clock: Clock;
  id: string;
  model: string;
  version: string;
  reason: string;
  readyTimeoutMs: number;
  pollMs: number;
  signal?: AbortSignal;
  progress(detail: string): void;
}

/**
 * Starts the known-good version as the canary and promotes it as soon as it is ready (all traffic at once, the
 * old stable drains). A canary that fails to start is rolled back like any rollout's.
 */
export async function promoteWithinWindow(o: WindowRolloutOptions): Promise<{ end: RolloutEnd; decidedBy: 'rollback-window' | 'platform' }> {
  o.progress(`${o.reason}; starting ${o.model}:${o.version}`);
  const canary = await o.client.startInstance('canary', o.version);
  const deadline = o.clock.now() + o.readyTimeoutMs;
  for (;;) {
    const instance = (await o.client.view()).state.instances.find((i) => i.name === canary.name);
    if (instance?.status === 'ready') break;
    const failed = !instance || instance.status === 'failed' || o.clock.now() >= deadline || o.signal?.aborted;
    if (failed) {
      const why = !instance || instance.status === 'failed' ? `failed: ${instance?.detail ?? 'it disappeared'}` : o.signal?.aborted ? 'was interrupted' : `was not ready within ${o.readyTimeoutMs} ms`;
      const end = await o.client.finish(o.id, 'rollback', `${o.model}:${o.version} (rollback window) ${why}; the current stable keeps serving`, 'platform');
      return { end, decidedBy: 'platform' };
    }
    await o.clock.sleep(o.pollMs);
  }
  o.progress(`${o.model}:${o.version} is ready; promoting`);
  return { end: await o.client.finish(o.id, 'promote', o.reason, 'rollback-window'), decidedBy: 'rollback-window' };
}
