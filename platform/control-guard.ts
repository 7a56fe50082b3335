import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { tokenMatches } from './control-token.js';

/** Largest control request body: the biggest real one (a rollout's progress with its reasons) is well under 1 KiB. */
export const CONTROL_BODY_LIMIT_BYTES = 16 * 1024;

export interface ControlGuardOptions {
  /** The bearer token every request must carry. */
  token: string;
  /** Where the token lives, for the message of a refused request (never its content). */
  tokenFile: string;
  /** Default `CONTROL_BODY_LIMIT_BYTES`. */
  maxBodyBytes?: number;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The gate in front of a loopback control API (the platform's and the router's admin API). In order: the `Host` must
 * be a loopback name (a DNS-rebound name is refused, 421), an `Origin` must be the API's own (a web page's cross-site
 * request is refused, 403), `Authorization: Bearer` must carry the token (401), a body must be declared JSON (415), and
 * a body over the limit is refused from its Content-Length or as soon as the bytes streamed pass it (413).
 */
export function controlGuard(options: ControlGuardOptions): MiddlewareHandler {
  const maxBodyBytes = options.maxBodyBytes ?? CONTROL_BODY_LIMIT_BYTES;
  const limit = bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) => refuse(c, 413, `request body is larger than ${maxBodyBytes} bytes: expected a JSON object of at most ${maxBodyBytes} bytes`),
  });
  return async function controlGuard(c, next) {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!isLoopback(host) || !isLoopback(new URL(c.req.url).host)) {
      return refuse(c, 421, `Host ${quote(host)} is not this API's: expected 127.0.0.1, localhost or [::1] (it answers on loopback only)`);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== `http://${host}`) {
      return refuse(c, 403, `Origin ${quote(origin)} is not this API's own (http://${host}): requests from web pages are refused`);
    }
    const authorization = c.req.header('authorization');
    const presented = authorization?.match(/^Bearer +(\S+)\s*$/i)?.[1];
    if (presented === undefined) {
      c.header('WWW-Authenticate', 'Bearer realm="keelson"');
      return refuse(c, 401, `missing 'Authorization: Bearer <token>': the token is in ${options.tokenFile}`);
    }
    if (!tokenMatches(presented, options.token)) {
      c.header('WWW-Authenticate', 'Bearer realm="keelson", error="invalid_token"');
      return refuse(c, 401, `the bearer token is not this platform's: the token is in ${options.tokenFile}`);
    }
    const contentType = c.req.header('content-type');
    if (contentType !== undefined && mediaType(contentType) !== 'application/json') {
      return refuse(c, 415, `Content-Type ${quote(contentType)} is not accepted: expected application/json`);
    }
    if (contentType === undefined && hasBody(c)) {
      return refuse(c, 415, 'Content-Type is missing on a request with a body: expected application/json');
    }
    return limit(c, next);
  };
}

function refuse(c: Context, status: ContentfulStatusCode, error: string): Response {
  return c.json({ error }, status);
}

/** `127.0.0.1:4000`, `localhost`, `[::1]:4000`: any port, for a loopback proxy or tunnel in front of the API. */
function isLoopback(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0]!;
  return LOOPBACK_NAMES.has(name.toLowerCase());
}

const mediaType = (contentType: string): string => contentType.split(';')[0]!.trim().toLowerCase();

const hasBody = (c: Context): boolean => c.req.header('transfer-encoding') !== undefined || Number(c.req.header('content-length') ?? 0) > 0;

/** A caller's header value in a message: quoted, and cut short (it may be anything). */
const quote = (value: string): string => JSON.stringify(value.length > 100 ? `${value.slice(0, 100)}…` : value);
