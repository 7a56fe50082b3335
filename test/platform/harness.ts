import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { inject } from 'vitest';
import { platformPaths, type PlatformPaths } from '../../pipelines/platform/paths.js';
import { startPlatform, type Platform } from '../../pipelines/platform/platform.js';
import { isAlive } from '../../pipelines/platform/state.js';
import { runTraffic, type TrafficReport } from '../../pipelines/platform/traffic/generator.js';

// Two cores shared by many: one inference worker per instance keeps several instances affordable.
process.env.KEELSON_WORKERS ??= '1';
process.env.LOG_LEVEL ??= 'warn';

export const KEELSON_BIN = join(process.cwd(), 'bin', 'keelson.mjs');

/** A fresh `.keelson` directory for one test. */
export function tempHome(): PlatformPaths {
  return platformPaths(mkdtempSync(join(tmpdir(), 'keelson-home-')));
}

/** Starts the platform in-process (router + real `keelson serve` children) on free ports. */
export async function startTestPlatform(version: string, paths = tempHome(), extra: { replicas?: number } = {}): Promise<Platform> {
  return startPlatform({
    modelsDir: inject('modelsDir'),
    model: 'penguins',
    version,
    paths,
    port: 0,
    drainTimeoutMs: 5_000,
    readyTimeoutMs: 90_000,
    ...extra,
  });
}

/** Background traffic through the router; `stop()` ends it and returns the client-side report. */
export function backgroundTraffic(url: string, rps: number): { stop(): Promise<TrafficReport> } {
  const abort = new AbortController();
  const running = runTraffic({ url, rps, durationMs: 10 * 60_000, signal: abort.signal, timeoutMs: 20_000 });
  return {
    stop: async () => {
      abort.abort();
      return running;
    },
  };
}

/** The versions that answer `n` inference requests through `url`, with the variant header. */
export async function whoAnswers(url: string, n = 10): Promise<{ versions: Set<string>; variants: Set<string> }> {
  const report = await runTraffic({ url, rps: 50, durationMs: (n * 1_000) / 50 });
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
