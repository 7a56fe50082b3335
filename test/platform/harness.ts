import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { PlatformClient } from '../../platform/client.js';
import { keelsonPaths, type KeelsonPaths } from '../../contract/keelson-paths.js';
import { startPlatform, type Platform } from '../../platform/platform.js';
import type { RouterInfo } from '../../platform/router/pool.js';
import type { Variant } from '../../contract/variants.js';
import { isAlive, readState, type PlatformState } from '../../platform/state.js';
import { runTraffic, type TrafficReport } from '../../platform/traffic/generator.js';

// Two cores shared by many: one inference worker per instance keeps several instances affordable.
process.env.KEELSON_WORKERS ??= '1';
process.env.LOG_LEVEL ??= 'warn';

export const KEELSON_BIN = join(process.cwd(), 'bin', 'keelson.mjs');

/** A fresh `.keelson` directory for one test. */
export function tempHome(): KeelsonPaths {
  return keelsonPaths(mkdtempSync(join(tmpdir(), 'keelson-home-')));
}

/** Starts the platform inside the test process (for tests that call its operations directly). */
export async function startInProcessPlatform(version: string, paths = tempHome()): Promise<Platform> {
  return startPlatform({ modelsDir: inject('modelsDir'), model: 'penguins', version, paths, port: 0, drainTimeoutMs: 5_000, readyTimeoutMs: 90_000 });
}

/** A platform run as `keelson up --detach`: its router is a process of its own, as in real use. */
export interface DetachedPlatform {
  paths: KeelsonPaths;
  routerUrl: string;
  client: PlatformClient;
  state(): PlatformState;
  answered(): Promise<Record<Variant, number>>;
  stop(): Promise<void>;
}

export async function startDetachedPlatform(version: string, extraEnv: Record<string, string> = {}): Promise<DetachedPlatform> {
  const paths = tempHome();
  const env = { KEELSON_HOME: paths.root, ...extraEnv };
  const up = await keelson(['up', '--models', inject('modelsDir'), '--model', `penguins:${version}`, '--port', '0', '--detach'], env);
  const state = (): PlatformState => readState(paths.state)!;
  if (up.code !== 0) throw new Error(`keelson up failed (${up.code}): ${up.stderr}`);
  const client = new PlatformClient(state().platform!.controlUrl, { tokenFile: paths.controlToken });
  const platformPid = state().platform!.pid;
  return {
    paths,
    routerUrl: state().platform!.routerUrl,
    client,
    state,
    answered: async () => (await client.view()).answered,
    stop: async () => {
      const router = routerPid(paths);
      await keelson(['down'], env);
      killAll([platformPid, router, ...state().instances.map((i) => i.pid)]);
    },
  };
}

/** The router process of the platform running from `paths` (null when none has written router.json). */
export function routerPid(paths: KeelsonPaths): number | null {
  try {
    return (JSON.parse(readFileSync(paths.router, 'utf8')) as RouterInfo).pid;
  } catch {
    return null;
  }
}

/** `keelson traffic` as a child process for the length of a test; `stop()` interrupts it and returns its report. */
export function backgroundTraffic(url: string, rps: number): { stop(): Promise<TrafficReport> } {
  const child = spawn(process.execPath, [KEELSON_BIN, 'traffic', '--url', url, '--rps', String(rps), '--duration', '10m', '--timeout', '60s', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    stop: async () => {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      await exited;
      clearTimeout(timer);
      try {
        return JSON.parse(stdout) as TrafficReport;
      } catch {
        throw new Error(`keelson traffic printed no report: ${stdout}\n${stderr}`);
      }
    },
  };
}

/** The versions and variants that answer `n` inference requests through `url`. */
export async function whoAnswers(url: string, n = 10): Promise<{ versions: Set<string>; variants: Set<string> }> {
  const report = await runTraffic({ url, rps: 50, durationMs: (n * 1_000) / 50, timeoutMs: 60_000 });
  return { versions: new Set(Object.keys(report.byVersion)), variants: new Set(Object.keys(report.byVariant)) };
}

/** Runs the `keelson` CLI; resolves with its exit code and output. */
export function keelson(args: string[], env: Record<string, string>, timeoutMs = 180_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KEELSON_BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c));
    child.stderr.on('data', (c: Buffer) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Waits until `check` holds (polling), or fails with `what`. */
export async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
}

/** Kills whatever is left of a list of pids (test cleanup). */
export function killAll(pids: Array<number | null | undefined>): void {
  for (const pid of pids) {
    if (pid && isAlive(pid)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
}
