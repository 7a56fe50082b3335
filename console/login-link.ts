import { keelsonPaths, type KeelsonPaths } from '../contract/keelson-paths.js';
import { readControlToken } from '../platform/control-token.js';
import { PlatformUnauthorized, PlatformUnavailable } from '../platform/errors.js';
import { isAlive, readState } from '../platform/state.js';
import { CONSOLE_PATH } from './server/routes.js';

/** The console of the running platform: its address, and a one-time login link when asked. */
export interface ConsoleLink {
  url: string;
  /** Opens a session once, within 2 minutes; null when no login was asked for. */
  loginUrl: string | null;
  expiresAt: string | null;
}

/**
 * Finds the console of the platform running from `paths` and, with `login`, asks the control API (with the token of
 * `.keelson/control-token`) for a one-time login code. The token itself never leaves this process.
 */
export async function consoleLink(options: { paths?: KeelsonPaths; login: boolean; fetch?: typeof fetch }): Promise<ConsoleLink> {
  const paths = options.paths ?? keelsonPaths();
  const state = readState(paths.state);
  if (!state?.platform || !isAlive(state.platform.pid)) throw new PlatformUnavailable(`no platform is running from ${paths.root}: start one with \`keelson start\` or \`keelson up\``);
  const base = state.platform.controlUrl;
  const url = `${base}${CONSOLE_PATH}`;
  if (!options.login) return { url, loginUrl: null, expiresAt: null };
  const token = readControlToken(paths.controlToken);
  if (!token) throw new PlatformUnauthorized(`no control token in ${paths.controlToken}: was the platform started from ${paths.root}?`);
  const response = await (options.fetch ?? fetch)(`${base}/v1/console/login-codes`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(10_000) });
  const body = (await response.json().catch(() => ({}))) as { path?: string; expiresAt?: string; error?: string };
  if (response.status === 404) throw new PlatformUnavailable(`the platform at ${base} serves no console (started without it, or by an older keelson): restart it with \`keelson start\` or \`keelson up\``);
  if (!response.ok || !body.path) throw new PlatformUnavailable(`the platform at ${base} refused a login code (${response.status}): ${body.error ?? 'no reason given'}`);
  return { url, loginUrl: `${base}${body.path}`, expiresAt: body.expiresAt ?? null };
}
