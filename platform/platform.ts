import type { AddressInfo } from 'node:net';
import type { ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { ALL_STABLE } from '../contract/variants.js';
import { createControlApi } from './control-api.js';
import { PlatformControl } from './control.js';
import { ensureControlToken } from './control-token.js';
import { PlatformConflict, PlatformStartAborted } from './errors.js';
import type { InstanceRuntime } from './instances/runtime.js';
import { createLogSink } from './instances/log-sink.js';
import { modelSha } from './model-sha.js';
import { instanceLogPath, keelsonPaths, type KeelsonPaths } from '../contract/keelson-paths.js';
import { syncPool } from './pool-sync.js';
import { startReconcileLoop } from './reconcile-loop.js';
import { chooseStable, initialState, planAdoption } from './recovery.js';
import { connectRouter } from './router/remote.js';
import { listenControl, resolveRuntime, startStable } from './start-up.js';
import { isAlive, type PlatformState } from './state.js';
import { StateStore } from './store.js';
import { Supervisor } from './supervisor.js';
import { takeOverPrevious } from './take-over.js';

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
  paths?: KeelsonPaths;
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
  /** Routes served beside the control API on its loopback port (the console, `console/`), given what they need. */
  mount?: (context: { control: PlatformControl; token: string; paths: KeelsonPaths; stopping: AbortSignal }) => { routes: Hono; path: string };
}

/** A running local platform: the control plane (this process) and its data plane (router and instance processes). */
export interface Platform {
  routerUrl: string;
  controlUrl: string;
  paths: KeelsonPaths;
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
  const paths = options.paths ?? keelsonPaths();
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
  // Kept across restarts: controllers, the GitOps agent and an adopted router keep the token they have.
  const token = ensureControlToken(paths.controlToken);
  const router = await connectRouter({ paths, host, port: options.port ?? 8080, log, token });

  const facts = { now: new Date().toISOString(), sha256: (version: string) => modelSha(options.modelsDir, options.model, version) };
  const store = new StateStore(paths.state, initialState(previous, options.model, stable, adoption, facts));
  const platformLog = createLogSink(instanceLogPath(paths, 'platform'), 'keelson-platform');
  store.onRecord((entry) => {
    platformLog.event('info', entry.message, { 'event.action': entry.kind, ...(entry.rolloutId ? { 'keelson.rollout_id': entry.rolloutId } : {}) });
    log(entry.message);
  });
  const supervisor = new Supervisor({ store, runtime, paths, modelsDir: options.modelsDir, host, drainTimeoutMs, inFlight: (name) => router.inFlight(name), routerSynced: () => router.synced() });
  const control = new PlatformControl(store, supervisor, async () => (await router.view()).answered, options.modelsDir);
  const pool = syncPool(store, router, paths);

  // Assigned as they start; stop() may run before (Ctrl-C, or `POST /v1/shutdown` while adopting).
  const running: { reconcile?: { stop(): void }; controlServer?: ServerType } = {};
  let stopping: Promise<void> | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((resolve) => (resolveStopped = resolve));
  // Aborted when stopping begins: long-lived answers of mounted routes (the console's event stream) end, so the
  // control server can close.
  const stoppingSignal = new AbortController();
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      stoppingSignal.abort();
      running.reconcile?.stop();
      pool.follow();
      await supervisor.stopAll('platform stopping');
      await router.stop(drainTimeoutMs);
      await new Promise<void>((resolve) => (running.controlServer ? running.controlServer.close(() => resolve()) : resolve()));
      store.update((s) => ({ ...s, platform: null, weights: { ...ALL_STABLE }, canary: null, rollout: null }));
      store.record('platform-stopped', 'platform stopped');
      await platformLog.close();
      resolveStopped();
    })());

  const mounted = options.mount?.({ control, token, paths, stopping: stoppingSignal.signal });
  const api = createControlApi(control, { token, tokenFile: paths.controlToken, onShutdown: () => void stop(), ...(mounted ? { mounted: mounted.routes } : {}) });
  running.controlServer = await listenControl(api.fetch, previous);
  const controlUrl = `http://127.0.0.1:${(running.controlServer.address() as AddressInfo).port}`;
  store.update((s) => ({
    ...s,
    platform: { pid: process.pid, routerUrl: router.url, controlUrl, host, runtime: runtime.kind, modelsDir: options.modelsDir, replicas, startedAt: new Date().toISOString() },
  }));
  store.record('platform-started', `router on ${router.url}${router.adopted ? ` (adopted, pid ${router.pid})` : ''}, control API on ${controlUrl}${mounted ? `, console on ${controlUrl}${mounted.path} (log in: keelson console)` : ''}, serving ${options.model}:${stable.version}`);
  if (stable.overrides) store.record('stable-forced', `${options.model}:${stable.version} made stable by a person (--model) without canary analysis; the previous stable was ${stable.overrides}`);
  else if (stable.source === 'previous') store.record('stable-restored', `${options.model}:${stable.version} stays stable, as when the previous run ended`);

  await takeOverPrevious(previous, adoption, { store, supervisor, control, modelsDir: options.modelsDir, model: options.model, stable, goLive: () => pool.goLive() });
  const start = await startStable(supervisor, store, { replicas, readyTimeoutMs: options.readyTimeoutMs ?? 120_000, paths, signal: options.signal }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  if (start.kind !== 'ready') {
    await stop();
    throw start.kind === 'aborted' ? new PlatformStartAborted() : new Error(start.message);
  }
  running.reconcile = startReconcileLoop({ control, router, supervisor, store, replicas, stopping: () => stopping !== undefined });
  return { routerUrl: router.url, controlUrl, paths, control, state: () => store.get(), stop, stopped };
}
