import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createControlApi } from './control-api.js';
import { PlatformControl } from './control.js';
import { PlatformConflict, PlatformStartAborted } from './errors.js';
import { createProcessRuntime, servesAt } from './instances/process-runtime.js';
import type { InstanceRuntime } from './instances/runtime.js';
import { createLogSink } from './instances/log-sink.js';
import { modelSha } from './model-sha.js';
import { instanceLogPath, platformPaths, type PlatformPaths } from './paths.js';
import { createScrapeConfigWriter } from './prometheus-config.js';
import { chooseStable, planAdoption } from './recovery.js';
import type { Upstream } from './router/balancer.js';
import type { PoolUpdate } from './router/pool.js';
import { connectRouter } from './router/remote.js';
import { ALL_STABLE } from '../contract/variants.js';
import { isAlive, type InstanceRecord, type PlatformState } from './state.js';
import { keepStableReplicas } from './upkeep.js';
import { StateStore } from './store.js';
import { Supervisor } from './supervisor.js';

export interface PlatformOptions {
  modelsDir: string;
  /** Model name served (`penguins`). */
  model: string;
  /**
   * Stable version named by a person (`keelson up --model NAME:VERSION`): it becomes stable without analysis,
   * recorded as such. Leave it out to keep the stable version of the previous run here.
   */
  version?: string;
  /** Stable version for a directory where nothing ran before (what git asks for on a first `npm start`); default `1`. */
  bootstrapVersion?: string;
  paths?: PlatformPaths;
  /** Router bind address (instances bind it too); 127.0.0.1 by default. */
  host?: string;
  /** Router port; 0 picks a free one. Default 8080. */
  port?: number;
  runtime?: 'process' | 'container' | InstanceRuntime;
  /** Service image for `runtime: 'container'` (default: the latest `keelson build`). */
  image?: string;
  /** Stable instances to run. */
  replicas?: number;
  readyTimeoutMs?: number;
  drainTimeoutMs?: number;
  /** Receives one human-readable line per platform event. */
  log?: (line: string) => void;
  /** Aborting while the stable instances start stops everything and rejects with `PlatformStartAborted`. */
  signal?: AbortSignal;
}

/** A running local platform: the control plane (this process) and its data plane (router and instance processes). */
export interface Platform {
  routerUrl: string;
  controlUrl: string;
  paths: PlatformPaths;
  control: PlatformControl;
  state(): PlatformState;
  /** Stops instances (draining), the router and the control API; idempotent. */
  stop(): Promise<void>;
  /** Settles once the platform has stopped (by `stop()` or `POST /v1/shutdown`). */
  stopped: Promise<void>;
}

/**
 * Starts the local platform, or takes over the data plane an earlier run left serving: the router process and
 * the instances that are alive, ready and serve the same model bytes keep serving throughout; a rollout whose
 * controller died is rolled back; the stable version stays what it was unless a person names another.
 */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const paths = options.paths ?? platformPaths();
  const host = options.host ?? '127.0.0.1';
  const replicas = options.replicas ?? 1;
  const drainTimeoutMs = options.drainTimeoutMs ?? 15_000;
  const log = options.log ?? (() => {});
  const previous = StateStore.previous(paths.state);
  if (previous?.platform && previous.platform.pid !== process.pid && isAlive(previous.platform.pid)) {
    throw new PlatformConflict(`a platform is already running from ${paths.root} (pid ${previous.platform.pid}, router ${previous.platform.routerUrl}); stop it with \`keelson down\``);
  }
  const stable = chooseStable(previous, options.model, options.version, options.bootstrapVersion);
  const adoption = planAdoption(previous, options.model, stable, isAlive);
  const runtime = await resolveRuntime(options.runtime, options.image);
  const router = await connectRouter({ paths, host, port: options.port ?? 8080, log });

  // The first version of a fresh platform is the baseline everything later is judged against: known good.
  const bootstrap = stable.fresh ? [{ version: stable.version, sha256: modelSha(options.modelsDir, options.model, stable.version), how: 'bootstrap' as const, since: new Date().toISOString() }] : [];
  const platformLog = createLogSink(instanceLogPath(paths, 'platform'), 'keelson-platform');
  const store = new StateStore(paths.state, {
    schema: 1,
    platform: null,
    model: options.model,
    stable: { version: stable.version },
    canary: adoption.keepRollout ? (previous?.canary ?? null) : null,
    weights: adoption.keepRollout && previous ? { ...previous.weights } : { ...ALL_STABLE },
    instances: [],
    rollout: adoption.keepRollout ? (previous?.rollout ?? null) : null,
    lastRollout: previous?.lastRollout ?? null,
    knownGood: [...(previous?.model === options.model ? (previous.knownGood ?? []) : []), ...bootstrap],
    history: previous?.history ?? [],
  });
  store.onRecord((entry) => {
    platformLog.event('info', entry.message, { 'event.action': entry.kind, ...(entry.rolloutId ? { 'keelson.rollout_id': entry.rolloutId } : {}) });
    log(entry.message);
  });

  const supervisor = new Supervisor({
    store,
    runtime,
    paths,
    modelsDir: options.modelsDir,
    host,
    drainTimeoutMs,
    inFlight: (name) => router.inFlight(name),
    routerSynced: () => router.synced(),
  });
  const platformControl = new PlatformControl(store, supervisor, async () => (await router.view()).answered, options.modelsDir);

  // Until the instances of the previous run are adopted, the router keeps the pool it has: a half-built pool
  // would send requests to a variant with no instance.
  let routerLive = false;
  const writeTargets = createScrapeConfigWriter(paths, new URL(router.url).host);
  store.onChange((state) => {
    if (routerLive) router.setPool(upstreams(state), state.weights, verdictOf(state));
    writeTargets(state);
  });

  const stopping = { promise: undefined as Promise<void> | undefined };
  const timers: { reconcile?: NodeJS.Timeout } = {};
  const control = { server: undefined as ServerType | undefined };
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = (): Promise<void> => {
    stopping.promise ??= (async () => {
      clearInterval(timers.reconcile);
      routerLive = true;
      await supervisor.stopAll('platform stopping');
      await router.stop(drainTimeoutMs);
      await new Promise<void>((resolve) => (control.server ? control.server.close(() => resolve()) : resolve()));
      store.update((s) => ({ ...s, platform: null, weights: { ...ALL_STABLE }, canary: null, rollout: null }));
      store.record('platform-stopped', 'platform stopped');
      await platformLog.close();
      resolveStopped();
    })();
    return stopping.promise;
  };

  const api = createControlApi(platformControl, () => void stop());
  control.server = await listenControl(api.fetch, previousControlPort(previous));
  const controlUrl = `http://127.0.0.1:${(control.server.address() as AddressInfo).port}`;
  store.update((s) => ({
    ...s,
    platform: { pid: process.pid, routerUrl: router.url, controlUrl, host, runtime: runtime.kind, modelsDir: options.modelsDir, replicas, startedAt: new Date().toISOString() },
  }));
  store.record('platform-started', `router on ${router.url}${router.adopted ? ` (adopted, pid ${router.pid})` : ''}, control API on ${controlUrl}, serving ${options.model}:${stable.version}`);
  if (stable.overrides) store.record('stable-forced', `${options.model}:${stable.version} made stable by a person (--model) without canary analysis; the previous stable was ${stable.overrides}`);
  else if (stable.source === 'previous') store.record('stable-restored', `${options.model}:${stable.version} stays stable, as when the previous run ended`);

  await adoptPrevious(supervisor, store, adoption.adopt, options.modelsDir);
  const stale = stopStale(adoption.stop);
  if (stale > 0) store.record('cleanup', `stopped ${stale} instance(s) left over by a previous platform run`);
  if (previous?.rollout && !adoption.keepRollout) {
    // Its controller is gone (or a person replaced the stable): no one would decide, so it ends here.
    store.update((s) => ({ ...s, rollout: previous.rollout, canary: previous.canary, weights: { ...previous.weights } }));
  }
  routerLive = true;
  router.setPool(upstreams(store.get()), store.get().weights, verdictOf(store.get()));
  await router.synced();
  if (previous?.rollout && !adoption.keepRollout && isAlive(previous.rollout.ownerPid)) {
    await platformControl.finish(previous.rollout.id, 'rolled-back', `the platform was restarted with ${options.model}:${stable.version} named as stable by a person`);
  }
  await platformControl.reapOrphan();

  const started = await keepStableReplicas(supervisor, store, replicas).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  await waitStableReady(options, supervisor, store, started, paths, stop);

  // Every half second: roll back a rollout whose controller died, revive a dead router, keep the stable replica
  // count. A crashing stable instance is replaced at most every 5 s, so a broken version cannot spin the CPU.
  let reconciling = false;
  let lastReplacement = Date.now();
  timers.reconcile = setInterval(() => {
    if (reconciling || stopping.promise) return;
    reconciling = true;
    void (async () => {
      await platformControl.reapOrphan();
      await router.revive();
      if (stopping.promise || Date.now() - lastReplacement < 5_000) return;
      if ((await keepStableReplicas(supervisor, store, replicas)).length > 0) lastReplacement = Date.now();
    })()
      .catch((error: unknown) => store.record('error', `reconcile failed: ${(error as Error).message}`))
      .finally(() => (reconciling = false));
  }, 500);

  return { routerUrl: router.url, controlUrl, paths, control: platformControl, state: () => store.get(), stop, stopped };
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

async function waitStableReady(options: PlatformOptions, supervisor: Supervisor, store: StateStore, started: InstanceRecord[], paths: PlatformPaths, stop: () => Promise<void>): Promise<void> {
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const ready = await Promise.all(started.map((r) => supervisor.waitReady(r.name, readyTimeoutMs, options.signal)));
  if (options.signal?.aborted) {
    await stop();
    throw new PlatformStartAborted();
  }
  const notReady = ready.find((r) => r?.status !== 'ready');
  const serving = store.get().instances.some((i) => i.role === 'stable' && i.status === 'ready');
  if (notReady || !serving) {
    await stop();
    const name = notReady?.name ?? started[0]?.name ?? 'stable';
    const { model, stable } = store.get();
    throw new Error(`stable instance ${name} (${model}:${stable.version}) was not ready within ${readyTimeoutMs} ms: ${notReady?.detail ?? 'still starting'}; see ${instanceLogPath(paths, name)}`);
  }
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

function previousControlPort(previous: PlatformState | null): number {
  return previous?.platform ? Number(new URL(previous.platform.controlUrl).port) : 0;
}

/** Listens on the previous run's control port when free (a rollout controller that outlived it reconnects), else any. */
async function listenControl(fetchHandler: Parameters<typeof serve>[0]['fetch'], port: number): Promise<ServerType> {
  const attempt = (p: number) =>
    new Promise<ServerType>((resolve, reject) => {
      const server = serve({ fetch: fetchHandler, hostname: '127.0.0.1', port: p }, () => resolve(server));
      server.once('error', reject);
    });
  if (port === 0) return attempt(0);
  return attempt(port).catch(() => attempt(0));
}

async function resolveRuntime(runtime: PlatformOptions['runtime'], image: string | undefined): Promise<InstanceRuntime> {
  if (runtime === undefined || runtime === 'process') return createProcessRuntime();
  if (runtime === 'container') {
    const { createContainerRuntime } = await import('./instances/container-runtime.js');
    return createContainerRuntime(image ? { image } : {});
  }
  return runtime;
}
