import type { ServerOptions } from 'node:http';
import { ConfigError } from '../errors.js';

/**
 * How long a client may take to send a request, as node:http enforces it (408 and close): the timeouts of every
 * listener keelson owns (the inference server, its probe port, the router). Not the scheduler's
 * `--request-timeout`, which bounds queueing and inference once the request has arrived.
 */
export interface HttpTimeouts {
  /** From a request's first byte to the end of its headers; stops slow-header (slowloris) clients. */
  headersMs: number;
  /** From a request's first byte to the end of its body. */
  requestMs: number;
  /** How long an idle kept-alive connection stays open between requests. */
  keepAliveMs: number;
}

export const HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 60_000, keepAliveMs: 5_000 };

/** Refuses timeouts node:http would reject or that would cut every client: the flag, the value and what is expected. */
export function checkHttpTimeouts(timeouts: HttpTimeouts, flags = { headers: '--http-headers-timeout', request: '--http-request-timeout' }): HttpTimeouts {
  if (timeouts.headersMs < 100) throw new ConfigError(`${flags.headers} ${timeouts.headersMs} ms: expected at least 100ms`);
  if (timeouts.requestMs < timeouts.headersMs) {
    throw new ConfigError(`${flags.request} ${timeouts.requestMs} ms: expected at least ${flags.headers} (${timeouts.headersMs} ms), since the body comes after the headers`);
  }
  return timeouts;
}

/**
 * node:http options for `timeouts`. Node checks the headers and request timeouts only every
 * `connectionsCheckingInterval` (30 s by default, so a slow client outlived a 10 s limit by up to 30 s).
 */
export function serverTimeoutOptions(timeouts: HttpTimeouts): ServerOptions {
  return {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(timeouts.headersMs / 4))),
  };
}
