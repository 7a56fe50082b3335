/**
 * The router's decisions for one request, free of sockets: which instance to try next, and what a failed
 * attempt leads to (answer now, retry on a fresh connection, or eject the instance and retry elsewhere).
 */
import type { Variant } from '../../contract/variants.js';
import type { Upstream } from './balancer.js';
import { ConnectFailure, UpstreamTimeout } from './forward.js';

/** Picks an instance, skipping `exclude`, pinned to `version` when set (the balancer's `pick`). */
export type PickUpstream = (exclude: ReadonlySet<string>, version: string | undefined) => Upstream | undefined;

/**
 * The instance to try next: one this request has not tried and that is not ejected; when no such instance is
 * left, an ejected one that this request has not tried (an instance that failed recently beats none).
 */
export function nextUpstream(pick: PickUpstream, tried: ReadonlySet<string>, ejectedUntil: ReadonlyMap<string, number>, now: number, version: string | undefined): Upstream | undefined {
  const skip = new Set(tried);
  for (const [name, until] of ejectedUntil) if (until > now) skip.add(name);
  return pick(skip, version) ?? pick(tried, version);
}

/** How an attempt failed before the instance answered. */
export type AttemptFailure =
  | { kind: 'timeout'; message: string }
  /** `staleConnection`: a kept-alive connection the instance had just closed (RFC 9112 §9.3.1). */
  | { kind: 'connect'; code: string; staleConnection: boolean };

/** Reads what `forwardOnce` rejected with. */
export function classifyFailure(error: unknown): AttemptFailure {
  if (error instanceof UpstreamTimeout) return { kind: 'timeout', message: error.message };
  if (error instanceof ConnectFailure) return { kind: 'connect', code: error.code, staleConnection: error.staleConnection };
  return { kind: 'connect', code: String(error), staleConnection: false };
}

/** The `reason` label of `keelson_router_upstream_failures_total`. */
export function failureReason(failure: AttemptFailure): string {
  return failure.kind === 'timeout' ? 'timeout' : failure.code;
}

/** What the router does after a failed attempt. */
export type AfterFailure =
  | { kind: 'answer'; status: number; error: string; variant: Variant | 'none' }
  /** The same instance may be tried again, on a new connection: a stale connection says nothing about it. */
  | { kind: 'retry-fresh-connection'; error: string }
  /** Every request skips the instance until `ejectUntil` (epoch ms) unless nothing else is left. */
  | { kind: 'retry-elsewhere'; error: string; ejectUntil: number };

export interface FailureContext {
  /** Whether the request may be sent twice. */
  retryable: boolean;
  now: number;
  ejectMs: number;
}

/**
 * A timeout is answered with 504 at once (the instance may still be working on the request); a failed
 * connection is retried when the request is idempotent, and answered with 502 otherwise.
 */
export function afterFailure(failure: AttemptFailure, upstream: Upstream, context: FailureContext): AfterFailure {
  if (failure.kind === 'timeout') return { kind: 'answer', status: 504, error: failure.message, variant: upstream.role };
  const error = `instance ${upstream.name} (${upstream.role}) failed: ${failure.code}`;
  if (!context.retryable) return { kind: 'answer', status: 502, error, variant: 'none' };
  if (failure.staleConnection) return { kind: 'retry-fresh-connection', error };
  return { kind: 'retry-elsewhere', error, ejectUntil: context.now + context.ejectMs };
}

/** The status once no attempt is left: 503 when no instance could be tried at all, 502 when those tried failed. */
export function exhaustedStatus(tried: ReadonlySet<string>): 502 | 503 {
  return tried.size === 0 ? 503 : 502;
}
