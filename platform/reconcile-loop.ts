import type { PlatformControl } from './control.js';
import type { RouterHandle } from './router/remote.js';
import type { StateStore } from './store.js';
import type { Supervisor } from './supervisor.js';
import { keepStableReplicas } from './upkeep.js';

const PASS_EVERY_MS = 500;
/** A crashing stable instance is replaced at most this often, so a broken version cannot spin the CPU. */
const REPLACE_AT_MOST_EVERY_MS = 5_000;

export interface ReconcileParts {
  control: PlatformControl;
  router: RouterHandle;
  supervisor: Supervisor;
  store: StateStore;
  replicas: number;
  /** True once the platform is stopping: no pass starts, and a pass under way starts no instance. */
  stopping(): boolean;
}

/** The platform's watchdog: every half second, rolls back a rollout whose controller died, revives a dead router, keeps the stable replica count. */
export function startReconcileLoop(parts: ReconcileParts): { stop(): void } {
  let reconciling = false;
  let lastReplacement = Date.now();
  const pass = async (): Promise<void> => {
    await parts.control.reapOrphan();
    await parts.router.revive();
    if (parts.stopping() || Date.now() - lastReplacement < REPLACE_AT_MOST_EVERY_MS) return;
    if ((await keepStableReplicas(parts.supervisor, parts.store, parts.replicas)).length > 0) lastReplacement = Date.now();
  };
  const timer = setInterval(() => {
    if (reconciling || parts.stopping()) return;
    reconciling = true;
    void pass()
      .catch((error: unknown) => parts.store.record('error', `reconcile failed: ${(error as Error).message}`))
      .finally(() => (reconciling = false));
  }, PASS_EVERY_MS);
  return { stop: () => clearInterval(timer) };
}
