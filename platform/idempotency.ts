import { PlatformBadRequest } from './errors.js';

/** The header a client sets so that a retried request has its effect once (IETF draft `Idempotency-Key`). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/**
 * Remembers calls by idempotency key: a request repeated with the same key (because the answer to the
 * first was lost on the way) gets the first call's answer, pending or finished, instead of a second effect.
 * Holds the newest `limit` keys; a client retries within seconds, so older ones are not needed.
 */
export class IdempotentCalls {
  private readonly calls = new Map<string, Promise<unknown>>();

  constructor(private readonly limit = 256) {}

  /** Runs `work` once per key; without a key it just runs. */
  run<T>(key: string | undefined, work: () => Promise<T>): Promise<T> {
    if (key === undefined) return work();
    if (key.length === 0 || key.length > 200) throw new PlatformBadRequest(`'${IDEMPOTENCY_HEADER}' is ${JSON.stringify(key.slice(0, 40))}: expected 1 to 200 characters`);
    const known = this.calls.get(key);
    if (known) return known as Promise<T>;
    const call = (async () => work())();
    this.calls.set(key, call);
    for (const oldest of this.calls.keys()) {
      if (this.calls.size <= this.limit) break;
      this.calls.delete(oldest);
    }
    return call;
  }
}
