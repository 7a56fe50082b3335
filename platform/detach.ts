import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { keelsonPaths, type KeelsonPaths } from '../contract/keelson-paths.js';
import { isAlive, readState, type PlatformState } from './state.js';

const KEELSON_BIN = fileURLToPath(new URL('../bin/keelson.mjs', import.meta.url));

/**
 * `keelson up --detach`: runs `keelson up ARGS` as a background process (output in
 * `.keelson/logs/platform.out`) and returns its state once the stable instances are ready.
 */
export async function startDetached(args: string[], paths: KeelsonPaths = keelsonPaths(), timeoutMs = 180_000): Promise<PlatformState> {
  mkdirSync(paths.logs, { recursive: true });
  const outFile = join(paths.logs, 'platform.out');
  const out = openSync(outFile, 'a');
  const child = spawn(process.execPath, [KEELSON_BIN, 'up', ...args], { detached: true, stdio: ['ignore', out, out], env: process.env });
  closeSync(out);
  let exited = false;
  child.once('exit', () => (exited = true));
  child.unref();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await sleep(250);
    if (exited || !isAlive(child.pid)) {
      throw new Error(`the platform exited before it was ready:\n${tail(outFile)}`);
    }
    const state = safeRead(paths.state);
    if (state && state.platform?.pid === child.pid && state.instances.some((i) => i.role === 'stable' && i.status === 'ready')) return state;
  }
  throw new Error(`the platform (pid ${child.pid}) was not ready within ${timeoutMs / 1_000}s; see ${outFile}`);
}

function safeRead(file: string): PlatformState | null {
  try {
    return readState(file);
  } catch {
    return null;
  }
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no output)';
  }
}
