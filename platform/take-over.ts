/**
 * Recovery, the driver of `recovery.ts`' decisions: adopts the instances the previous run left serving, stops
 * those no longer wanted, and ends a rollout no one will decide any more.
 */
import type { PlatformControl } from './control.js';
import { servesAt } from './instances/process-runtime.js';
import { modelSha } from './model-sha.js';
import type { AdoptionPlan, StableChoice } from './recovery.js';
import { isAlive, type InstanceRecord, type PlatformState } from './state.js';
import type { StateStore } from './store.js';
import type { Supervisor } from './supervisor.js';

export interface TakeOverParts {
  store: StateStore;
  supervisor: Supervisor;
  control: PlatformControl;
  modelsDir: string;
  model: string;
  stable: StableChoice;
  /** Gives the router the pool of the state taken over; resolves once it has it. */
  goLive(): Promise<void>;
}

/** Takes over what `previous` left as `adoption` plans, then puts the router live. */
export async function takeOverPrevious(previous: PlatformState | null, adoption: AdoptionPlan, parts: TakeOverParts): Promise<void> {
  const { store, control } = parts;
  await adoptPrevious(parts.supervisor, store, adoption.adopt, parts.modelsDir);
  const stale = stopStale(adoption.stop);
  if (stale > 0) store.record('cleanup', `stopped ${stale} instance(s) left over by a previous platform run`);
  const ended = previous?.rollout && !adoption.keepRollout ? previous : null;
  if (ended) {
    // Its controller is gone (or a person replaced the stable): no one would decide, so it ends here.
    store.update((s) => ({ ...s, rollout: ended.rollout, canary: ended.canary, weights: { ...ended.weights } }));
  }
  await parts.goLive();
  if (ended?.rollout && isAlive(ended.rollout.ownerPid)) {
    await control.finish(ended.rollout.id, 'rolled-back', `the platform was restarted with ${parts.model}:${parts.stable.version} named as stable by a person`);
  }
  await control.reapOrphan();
}

/** Adopts what is still serving, in parallel; the sha256 compared is that of the repository's model file. */
async function adoptPrevious(supervisor: Supervisor, store: StateStore, instances: InstanceRecord[], modelsDir: string): Promise<void> {
  const adopted = await Promise.all(instances.map((i) => supervisor.adopt(i, modelSha(modelsDir, i.model, i.version))));
  const lost = instances.filter((_, n) => !adopted[n]);
  if (lost.length > 0) store.record('cleanup', `${lost.length} instance(s) of the previous run could not be adopted: ${lost.map((i) => i.name).join(', ')}`);
  stopStale(lost);
}

/** SIGTERM to instances of an earlier run that are still that `keelson serve` (a reused pid is left alone). */
function stopStale(instances: InstanceRecord[]): number {
  let stopped = 0;
  for (const i of instances) {
    if (!i.pid || i.runtime !== 'process') continue;
    if (!servesAt(i.pid, { model: i.model, version: i.version, port: Number(new URL(i.url).port) })) continue;
    try {
      process.kill(i.pid, 'SIGTERM');
      stopped++;
    } catch {
      // Gone meanwhile.
    }
  }
  return stopped;
}
