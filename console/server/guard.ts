import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether a Host header names this machine's loopback (a DNS-rebound name does not). */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return LOOPBACK_NAMES.has(name.toLowerCase());
}

/** A 400 naming the parameter, what it was and what was expected. */
export function badParameter(name: string, value: unknown, expected: string): HTTPException {
  const shown = typeof value === 'string' ? JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value) : String(value);
  return new HTTPException(400, { message: `'${name}' ${shown}: expected ${expected}` });
}

/** The console's own pages and API answer loopback names only, so a DNS-rebound page cannot read them. */
export function requireLoopback(c: Context): void {
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  if (!isLoopbackHost(host)) throw new HTTPException(421, { message: `Host ${JSON.stringify(host.slice(0, 100))} is not the console's: open it on 127.0.0.1 or localhost` });
}

/** A state-changing request must come from the console's own page (a cross-site form or script is refused). */
export function requireSameOrigin(c: Context): void {
  const host = c.req.header('host') ?? new URL(c.req.url).host;
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== `http://${host}`) throw new HTTPException(403, { message: `Origin ${JSON.stringify(origin.slice(0, 100))} is not the console's own (http://${host})` });
  if (c.req.header('sec-fetch-site') === 'cross-site') throw new HTTPException(403, { message: 'cross-site requests are refused' });
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HTTPException(415, { message: `Content-Type ${JSON.stringify(type ?? '')} is not accepted: expected application/json` });
}
