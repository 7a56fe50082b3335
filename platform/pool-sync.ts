import type { KeelsonPaths } from '../contract/keelson-paths.js';
import { createScrapeConfigWriter } from './prometheus-config.js';
import type { Upstream } from './router/balancer.js';
import type { PoolUpdate } from './router/pool.js';
import type { RouterHandle } from './router/remote.js';
import type { PlatformState } from './state.js';
import type { StateStore } from './store.js';

/** Keeps the router's pool in step with the state. */
export interface PoolSync {
  /** From now on every state change reaches the router. */
  follow(): void;
  /** Follows, sends the current pool, and resolves once the router has it. */
  goLive(): Promise<void>;
}

/**
 * Sends every state change to the router once `follow()` (or `goLive()`) was called: until the instances of
 * the previous run are adopted the router keeps the pool it has, since a half-built pool would send requests to
 * a variant with no instance. Prometheus' scrape targets follow the state from the start.
 */
export function syncPool(store: StateStore, router: RouterHandle, paths: KeelsonPaths): PoolSync {
  let live = false;
  const send = (state: PlatformState): void => router.setPool(upstreams(state), state.weights, verdictOf(state));
  const writeTargets = createScrapeConfigWriter(paths, new URL(router.url).host);
  store.onChange((state) => {
    if (live) send(state);
    writeTargets(state);
  });
  return {
    follow() {
      live = true;
    },
    async goLive() {
      live = true;
      send(store.get());
      await router.synced();
    },
  };
}

function upstreams(state: PlatformState): Upstream[] {
  return state.instances
    .filter((i) => i.status === 'ready')
    .map((i) => {
      const url = new URL(i.url);
      return { name: i.name, role: i.role, version: i.version, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
    });
}

/** The rollout decision the router exports (`keelson_rollout_verdict`). */
function verdictOf(state: PlatformState): PoolUpdate['verdict'] {
  if (state.rollout?.lastDecision) return { rolloutId: state.rollout.id, decision: state.rollout.lastDecision };
  if (!state.rollout && state.lastRollout) return { rolloutId: state.lastRollout.id, decision: state.lastRollout.outcome === 'promoted' ? 'promote' : 'rollback' };
  return null;
}
