import { spawnSync } from 'node:child_process';

/**
 * Whether an external tool (prometheus, promtool, buildah...) is on PATH. Absent on a laptop: a loud
 * warning and `false`, so the caller skips. Absent under `CI=true`: an error, so the run fails instead of
 * silently testing less.
 */
export function requireTool(name: string): boolean {
  if (!/^[\w.+-]+$/.test(name)) throw new Error(`requireTool: ${JSON.stringify(name)} is not a command name`);
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
  if (found) return true;
  const message = `${name} is not installed: the tests that need it cannot run (on Debian: .ci/run installs it)`;
  if (process.env.CI === 'true') throw new Error(`${message}; CI=true, so this is a failure, not a skip`);
  console.warn(`\n⚠️  SKIPPING: ${message}\n`);
  return false;
}
