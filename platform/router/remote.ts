import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { PlatformBadRequest } from '../errors.js';
import type { KeelsonPaths } from '../../contract/keelson-paths.js';
import type { Weights } from '../../contract/variants.js';
import { isAlive } from '../state.js';
import type { Upstream } from './balancer.js';
import { EXIT_ADDRESS_UNUSABLE } from './data-plane.js';
import type { PoolUpdate, RouterInfo, RouterView } from './pool.js';

const KEELSON_BIN = fileURLToPath(new URL('../../bin/keelson.mjs', import.meta.url));

/** The platform's side of the router process: starts or adopts it, and keeps its pool current. */
export interface RouterHandle {
  url: string;
  pid: number;
  /** Whether a router left running by an earlier platform run was taken over. */
  adopted: boolean;
  /** Queues a pool change; the newest is sent, and resent until the router has it. */
  setPool(upstreams: readonly Upstream[], weights: Weights, verdict: PoolUpdate['verdict']): void;
  /** Resolves once the router has the newest pool change. */
  synced(): Promise<void>;
  view(): Promise<RouterView>;
  inFlight(instance: string): Promise<number>;
  /** Starts a new router process (same port) if this one died, and gives it the pool. */
  revive(): Promise<boolean>;
  /** Drains and stops the router process. */
  stop(timeoutMs: number): Promise<void>;
}

export interface RouterConnectOptions {
  paths: KeelsonPaths;
  host: string;
  port: number;
  log(line: string): void;
  /** The control token: the router's admin API asks for it (the router reads it from `paths.controlToken`). */
  token: string;
  bin?: string;
  startTimeoutMs?: number;
}

/** Adopts the router an earlier platform run left serving on the same address, or starts one. */
export async function connectRouter(options: RouterConnectOptions): Promise<RouterHandle> {
  const infoFile = options.paths.router;
  const auth = { authorization: `Bearer ${options.token}` };
  let info = readInfo(infoFile);
  let view: RouterView | null = null;
  let refused = false;
  try {
    if (info) view = await fetchView(info, auth);
  } catch (error) {
    refused = error instanceof TokenRefused;
  }
  const adopted = Boolean(info && view && info.host === options.host && (options.port === 0 || info.port === options.port));
  // A router holding another token (its file was replaced while the router lived on) is replaced, not adopted.
  if (info && (refused || (view && !adopted))) await stopProcess(info, 10_000);
  if (!adopted) {
    info = await spawnRouter(options, options.port);
    view = await fetchView(info, auth);
  }
  let current = info!;
  let generation = view!.generation + 1;
  let acked = view!.generation;
  let latest: PoolUpdate | null = null;
  let pumping = false;
  let stopped = false;
  const waiters: Array<{ generation: number; resolve: () => void }> = [];

  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    let failures = 0;
    while (!stopped && latest && latest.generation > acked) {
      const update = latest;
      try {
        const res = await fetch(`${current.adminUrl}/v1/pool`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(update), signal: AbortSignal.timeout(5_000) });
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
        acked = Math.max(acked, update.generation);
        failures = 0;
        for (const w of waiters.splice(0)) {
          if (w.generation <= acked) w.resolve();
          else waiters.push(w);
        }
      } catch (error) {
        if (stopped) break;
        if (failures++ === 0) options.log(`router at ${current.adminUrl} did not take the pool (${(error as Error).message}); retrying`);
        await sleep(Math.min(1_000, 100 * failures));
      }
    }
    pumping = false;
  };

  return {
    get url() {
      return current.url;
    },
    get pid() {
      return current.pid;
    },
    adopted,
    setPool(upstreams, weights, verdict) {
      latest = { generation: generation++, upstreams: [...upstreams], weights: { ...weights }, verdict };
      void pump();
    },
    synced() {
      const target = generation - 1;
      if (acked >= target || stopped) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ generation: target, resolve }));
    },
    view: () => fetchView(current, auth),
    async inFlight(instance) {
      const res = await fetch(`${current.adminUrl}/v1/in-flight/${encodeURIComponent(instance)}`, { headers: auth, signal: AbortSignal.timeout(5_000) });
      return ((await res.json()) as { inFlight: number }).inFlight;
    },
    async revive() {
      if (stopped || isAlive(current.pid)) return false;
      options.log(`the router process (pid ${current.pid}) died; starting a new one on port ${current.port}`);
      current = await spawnRouter(options, current.port);
      acked = -1;
      if (latest) latest = { ...latest, generation: generation++ };
      void pump();
      return true;
    },
    async stop(timeoutMs) {
      stopped = true;
      for (const w of waiters.splice(0)) w.resolve();
      await stopProcess(current, timeoutMs);
      rmSync(infoFile, { force: true });
    },
  };
}

async function spawnRouter(options: RouterConnectOptions, port: number): Promise<RouterInfo> {
  const infoFile = options.paths.router;
  rmSync(infoFile, { force: true });
  mkdirSync(options.paths.logs, { recursive: true });
  const out = openSync(join(options.paths.logs, 'router.ndjson'), 'a');
  const child = spawn(process.execPath, [options.bin ?? KEELSON_BIN, 'router', '--info-file', infoFile, '--token-file', options.paths.controlToken, '--host', options.host, '--port', String(port)], {
    detached: true,
    stdio: ['ignore', out, out],
    env: process.env,
  });
  closeSync(out);
  child.unref();
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (exitCode === EXIT_ADDRESS_UNUSABLE) {
      throw new PlatformBadRequest(`'port' ${port} on ${options.host} cannot be used (in use or not allowed): pass another with --port (0 picks a free one)`);
    }
    if (exitCode !== undefined) throw new Error(`the router process exited with code ${exitCode} before it listened; see ${join(options.paths.logs, 'router.ndjson')}`);
    const info = readInfo(infoFile);
    if (info && info.pid === child.pid) return info;
    await sleep(50);
  }
  child.kill('SIGKILL');
  throw new Error(`the router process did not listen within ${options.startTimeoutMs ?? 60_000} ms; see ${join(options.paths.logs, 'router.ndjson')}`);
}

async function fetchView(info: RouterInfo, auth: Record<string, string>): Promise<RouterView> {
  if (!isAlive(info.pid)) throw new Error(`router pid ${info.pid} is not running`);
  const res = await fetch(`${info.adminUrl}/v1/state`, { headers: auth, signal: AbortSignal.timeout(5_000) });
  if (res.status === 401) throw new TokenRefused(`router admin at ${info.adminUrl} refused the control token`);
  if (!res.ok) throw new Error(`router admin answered ${res.status}`);
  const view = (await res.json()) as RouterView;
  if (view.pid !== info.pid) throw new Error(`router admin at ${info.adminUrl} belongs to pid ${view.pid}, not ${info.pid}`);
  return view;
}

async function stopProcess(info: RouterInfo, timeoutMs: number): Promise<void> {
  if (!isAlive(info.pid)) return;
  try {
    process.kill(info.pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(info.pid) && Date.now() < deadline) await sleep(50);
  if (isAlive(info.pid)) process.kill(info.pid, 'SIGKILL');
}

class TokenRefused extends Error {}

function readInfo(file: string): RouterInfo | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RouterInfo;
  } catch {
    return null;
  }
}
