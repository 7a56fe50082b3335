import { setTimeout as sleep } from 'node:timers/promises';
import { PlatformClient } from './client.js';
import { keelsonPaths, type KeelsonPaths } from '../contract/keelson-paths.js';
import { isAlive, readState } from './state.js';

/** Stops the platform running from `paths`: asks its control API, then signals, then kills. Returns what happened. */
export async function stopPlatform(options: { paths?: KeelsonPaths; timeoutMs?: number } = {}): Promise<string> {
  const paths = options.paths ?? keelsonPaths();
  const timeoutMs = options.timeoutMs ?? 60_000;
  const state = readState(paths.state);
  const pid = state?.platform?.pid;
  if (!state?.platform || !isAlive(pid)) return `no platform is running from ${paths.root}`;
  try {
    // A platform that does not answer within seconds gets SIGTERM instead of the client's usual 30 s of retries.
    await new PlatformClient(state.platform.controlUrl, { unreachableAfterMs: 2_000, tokenFile: paths.controlToken }).shutdown();
  } catch {
    process.kill(pid!, 'SIGTERM');
  }
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) {
    process.kill(pid!, 'SIGKILL');
    return `the platform (pid ${pid}) did not stop within ${timeoutMs / 1_000}s and was killed; \`keelson up\` cleans up its instances next time`;
  }
  return `platform stopped (pid ${pid})`;
}
