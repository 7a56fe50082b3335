/**
 * When a control call is worth another try, and how long to wait before it. Pure: the client
 * (`client.ts`) owns the clock and the loop.
 */

/** Error codes of a connection that failed or broke: the platform may be restarting a listener, or busy. */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
]);

/**
 * Describes a connection-level failure of one attempt (`read ECONNRESET`, `other side closed`, `no answer
 * within 10s`), or returns null for anything else (a bad URL, a bug), which no retry would fix.
 */
export function transientFailure(error: unknown, attemptTimeoutMs: number): string | null {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.name === 'TimeoutError') return `no answer within ${attemptTimeoutMs} ms`;
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return e.message || code;
    if (e.message === 'other side closed') return e.message;
  }
  return null;
}

export interface Backoff {
  /** The first wait (default 100 ms). */
  baseMs: number;
  /** No wait is longer (default 2 s). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: Readonly<Backoff> = Object.freeze({ baseMs: 100, maxMs: 2_000 });

/**
 * The wait before retry number `attempt` (1 for the first retry): exponential, capped, with jitter in
 * its upper half so that clients cut off together do not come back together.
 */
export function backoffMs(attempt: number, backoff: Backoff = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
