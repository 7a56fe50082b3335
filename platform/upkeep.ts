/** Keeping the instance set healthy: stable replicas after crashes and promotions. */
import type { InstanceRecord } from './state.js';
import type { StateStore } from './store.js';
import type { Supervisor } from './supervisor.js';

/** Starts stable instances until `replicas` are running or starting (after a crash, after a promotion). */
export async function keepStableReplicas(supervisor: Supervisor, store: StateStore, replicas: number): Promise<InstanceRecord[]> {
  const state = store.get();
  const live = state.instances.filter((i) => i.role === 'stable' && (i.status === 'starting' || i.status === 'ready'));
  const failed = state.instances.filter((i) => i.role === 'stable' && i.status === 'failed');
  if (failed.length > 0) store.update((s) => ({ ...s, instances: s.instances.filter((i) => !failed.includes(i)) }));
  const started: InstanceRecord[] = [];
  for (let n = live.length; n < replicas; n++) started.push(await supervisor.start('stable', state.model, state.stable.version));
  return started;
}
