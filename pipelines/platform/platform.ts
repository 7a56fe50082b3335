import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { createControlApi } from './control-api.js';
import { PlatformControl } from './control.js';
import { PlatformBadRequest, PlatformConflict } from './errors.js';
import { createProcessRuntime } from './instances/process-runtime.js';
import type { InstanceRuntime } from './instances/runtime.js';
import { createLogSink } from './instances/log-sink.js';
import { instanceLogPath, platformPaths, type PlatformPaths } from './paths.js';
import { createScrapeConfigWriter } from './prometheus-config.js';
import type { Upstream } from './router/balancer.js';
import { startRouter } from './router/router.js';
import { ALL_STABLE, isAlive, type HistoryEntry, type PlatformState } from './state.js';
import { keepStableReplicas, stopLeftovers } from './upkeep.js';
import { StateStore } from './store.js';
import { Supervisor } from './supervisor.js';

export interface PlatformOptions {
  modelsDir: string;
  /** Model name served (`penguins`). */
  model: string;
  /** Stable version to start; default: the stable version of the previous run here, else `1`. */
  version?: string;
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

/** `startPlatform` was interrupted (Ctrl-C) before the platform was ready; everything it started is stopped. */
export class PlatformStartAborted extends Error {
  constructor() {
    super('interrupted before the platform was ready; everything started was stopped');
    this.name = 'PlatformStartAborted';
  }
}

/** A running local platform: router, control API and instances. */
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

/** Starts the local platform and waits for the stable instances to be ready. */
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
  const leftovers = stopLeftovers(previous);
  const version = options.version ?? (previous?.model === options.model ? previous.stable.version : undefined) ?? '1';
  const runtime = await resolveRuntime(options.runtime, options.image);

  const port = options.port ?? 8080;
  const router = await startRouter({ host, port }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EADDRINUSE' && error.code !== 'EACCES') throw error;
    throw new PlatformBadRequest(`'port' ${port} on ${host} cannot be used (${error.code}): pass another with --port (0 picks a free one)`);
  });
  const control = { server: undefined as ServerType | undefined };
  const platformLog = createLogSink(instanceLogPath(paths, 'platform'), 'keelson-platform');
  const history: HistoryEntry[] = previous?.history ?? [];
  const store = new StateStore(paths.state, {
    schema: 1,
    platform: null,
    model: options.model,
    stable: { version },
    canary: null,
    weights: { ...ALL_STABLE },
    instances: [],
    rollout: null,
    lastRollout: previous?.lastRollout ?? null,
    history,
  });
  store.onRecord((entry) => {
    platformLog.event('info', entry.message, { 'event.action': entry.kind, ...(entry.rolloutId ? { 'keelson.rollout_id': entry.rolloutId } : {}) });
    log(entry.message);
  });
  if (previous?.rollout) store.record('rolled-back', `rollout ${previous.rollout.id} was cut short when the previous platform stopped; ${version} stays stable`, previous.rollout.id);
  if (leftovers > 0) store.record('cleanup', `stopped ${leftovers} instance(s) left over by a previous platform run`);

  const supervisor = new Supervisor({
    store,
    runtime,
    paths,
    modelsDir: options.modelsDir,
    host,
    drainTimeoutMs,
    inFlight: (name) => router.inFlight(name),
  });
  const platformControl = new PlatformControl(store, supervisor, () => router.metrics.answered, options.modelsDir);

  const writeTargets = createScrapeConfigWriter(paths, new URL(router.url).host);
  store.onChange((state) => {
    router.setPool(upstreams(state), state.weights);
    writeTargets(state);
    const rollout = state.rollout;
    if (rollout?.lastDecision) router.metrics.setVerdict(rollout.id, rollout.lastDecision);
    else if (!rollout && state.lastRollout) router.metrics.setVerdict(state.lastRollout.id, state.lastRollout.outcome === 'promoted' ? 'promote' : 'rollback');
  });

  let stopping: Promise<void> | undefined;
  const timers: { reconcile?: NodeJS.Timeout } = {};
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(timers.reconcile);
      await supervisor.stopAll('platform stopping');
      await router.close();
      await new Promise<void>((resolve) => (control.server ? control.server.close(() => resolve()) : resolve()));
      store.update((s) => ({ ...s, platform: null, weights: { ...ALL_STABLE }, canary: null, rollout: null }));
      store.record('platform-stopped', 'platform stopped');
      await platformLog.close();
      resolveStopped();
    })();
    return stopping;
  };

  const api = createControlApi(platformControl, () => void stop());
  control.server = await new Promise<ServerType>((resolve) => {
    const server = serve({ fetch: api.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(server));
  });
  const controlUrl = `http://127.0.0.1:${(control.server.address() as AddressInfo).port}`;
  store.update((s) => ({
    ...s,
    platform: { pid: process.pid, routerUrl: router.url, controlUrl, host, runtime: runtime.kind, modelsDir: options.modelsDir, replicas, startedAt: new Date().toISOString() },
  }));
  store.record('platform-started', `router on ${router.url}, control API on ${controlUrl}, serving ${options.model}:${version}`);

  const stable = await keepStableReplicas(supervisor, store, replicas).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
  const ready = await Promise.all(stable.map((r) => supervisor.waitReady(r.name, readyTimeoutMs, options.signal)));
  if (options.signal?.aborted) {
    await stop();
    throw new PlatformStartAborted();
  }
  const notReady = ready.find((r) => r?.status !== 'ready');
  if (notReady || ready.length === 0) {
    await stop();
    const name = notReady?.name ?? stable[0]?.name ?? 'stable';
    throw new Error(`stable instance ${name} (${options.model}:${version}) was not ready within ${readyTimeoutMs} ms: ${notReady?.detail ?? 'still starting'}; see ${instanceLogPath(paths, name)}`);
  }

  // Every half second: roll back a rollout whose controller died, and keep the stable replica count.
  // A crashing stable instance is replaced at most every 5 s, so a broken version cannot spin the CPU.
  let reconciling = false;
  let lastReplacement = Date.now();
  timers.reconcile = setInterval(() => {
    if (reconciling || stopping) return;
    reconciling = true;
    void (async () => {
      await platformControl.reapOrphan();
      if (stopping || Date.now() - lastReplacement < 5_000) return;
      if ((await keepStableReplicas(supervisor, store, replicas)).length > 0) lastReplacement = Date.now();
    })()
      .catch((error: unknown) => store.record('error', `reconcile failed: ${(error as Error).message}`))
      .finally(() => (reconciling = false));
  }, 500);

  return { routerUrl: router.url, controlUrl, paths, control: platformControl, state: () => store.get(), stop, stopped };
}

function upstreams(state: PlatformState): Upstream[] {
  return state.instances
    .filter((i) => i.status === 'ready')
    .map((i) => {
      const url = new URL(i.url);
      return { name: i.name, role: i.role, version: i.version, host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) };
    });
}

async function resolveRuntime(runtime: PlatformOptions['runtime'], image: string | undefined): Promise<InstanceRuntime> {
  if (runtime === undefined || runtime === 'process') return createProcessRuntime();
  if (runtime === 'container') {
    const { createContainerRuntime } = await import('./instances/container-runtime.js');
    return createContainerRuntime(image ? { image } : {});
  }
  return runtime;
}
