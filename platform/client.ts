import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RolloutClaim, RolloutProgress } from './control.js';
import { readControlToken } from './control-token.js';
import { PlatformBadRequest, PlatformConflict, PlatformNotFound, PlatformUnauthorized, PlatformUnavailable, PlatformUnreachable, type LastSeenPlatform } from './errors.js';
import { IDEMPOTENCY_HEADER } from './idempotency.js';
import { keelsonPaths, type KeelsonPaths } from '../contract/keelson-paths.js';
import { backoffMs, DEFAULT_BACKOFF, transientFailure, type Backoff } from './retry.js';
import type { RolloutDecider } from '../contract/decisions.js';
import type { Variant, Weights } from '../contract/variants.js';
import { isAlive, readState, type InstanceRecord, type PlatformState, type RolloutEnd, type RolloutRecord } from './state.js';

/** The platform's state plus requests answered per variant since it started. */
export interface PlatformView {
  state: PlatformState;
  answered: Record<Variant, number>;
}

export interface PlatformClientOptions {
  /** How long the control API may stay unreachable (refused, reset, silent) before a call gives up; default 30 s. */
  unreachableAfterMs?: number;
  /** Waits between attempts (capped exponential with jitter). */
  backoff?: Backoff;
  /**
   * The platform's control token file, read at each call (default: that of `.keelson/`, or `KEELSON_HOME`); `locate`
   * passes the one beside the state.json it read.
   */
  tokenFile?: string;
}

const DEFAULT_UNREACHABLE_AFTER_MS = 30_000;

/** One attempt of a call that answers at once; a silent platform counts as unreachable after this. */
const QUICK_ATTEMPT_MS = 10_000;
/** One attempt of a call that waits for processes: starting an instance, draining one (finishing a rollout, stopping). */
const SLOW_ATTEMPT_MS = 120_000;

interface CallOptions {
  attemptTimeoutMs: number;
  /** Sent with every attempt of one logical call, so the platform does its work once. */
  idempotencyKey?: string;
}

/**
 * Talks to a running platform's control API (the adapter every controller and command uses). Every call
 * is safe to repeat, and a call that loses its connection (refused, reset, no answer) is retried with
 * backoff until the platform has been unreachable for `unreachableAfterMs`; then it throws
 * `PlatformUnreachable`, which says what the client last saw.
 */
export class PlatformClient {
  readonly unreachableAfterMs: number;
  readonly tokenFile: string;
  private readonly backoff: Backoff;
  private seen: LastSeenPlatform | null = null;

  constructor(
    readonly controlUrl: string,
    options: PlatformClientOptions = {},
  ) {
    this.unreachableAfterMs = options.unreachableAfterMs ?? DEFAULT_UNREACHABLE_AFTER_MS;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.tokenFile = options.tokenFile ?? keelsonPaths().controlToken;
  }

  /** Finds the platform running from `paths` (`.keelson/` by default) through its state.json. */
  static locate(paths: KeelsonPaths = keelsonPaths(), options: PlatformClientOptions = {}): PlatformClient {
    const state = readState(paths.state);
    if (!state?.platform || !isAlive(state.platform.pid)) {
      throw new PlatformUnavailable(`no platform is running from ${paths.root}: start one with \`keelson up\``);
    }
    return new PlatformClient(state.platform.controlUrl, { tokenFile: paths.controlToken, ...options });
  }

  /** The weights and rollout this client last saw, and when (null before its first answer). */
  get lastSeen(): LastSeenPlatform | null {
    return this.seen;
  }

  async view(): Promise<PlatformView> {
    const view = await this.call<PlatformView>('GET', '/v1/state');
    this.saw(view.state);
    return view;
  }

  async setWeights(weights: Weights): Promise<PlatformState> {
    const state = await this.call<PlatformState>('PUT', '/v1/weights', weights);
    this.saw(state);
    return state;
  }

  startInstance(role: Variant, version: string): Promise<InstanceRecord> {
    return this.call('POST', '/v1/instances', { role, version }, { attemptTimeoutMs: SLOW_ATTEMPT_MS, idempotencyKey: randomUUID() });
  }

  stopInstance(name: string, reason: string): Promise<unknown> {
    const path = `/v1/instances/${encodeURIComponent(name)}?reason=${encodeURIComponent(reason)}`;
    return this.call('DELETE', path, undefined, { attemptTimeoutMs: SLOW_ATTEMPT_MS, idempotencyKey: randomUUID() });
  }

  /** Registers a rollout; repeating the same claim returns the registered record (the platform matches id and owner). */
  beginRollout(claim: RolloutClaim): Promise<{ record: RolloutRecord; resolved: RolloutEnd | null }> {
    return this.call('POST', '/v1/rollouts', claim, { attemptTimeoutMs: SLOW_ATTEMPT_MS });
  }

  async updateRollout(id: string, progress: RolloutProgress): Promise<RolloutRecord> {
    const record = await this.call<RolloutRecord>('PATCH', `/v1/rollouts/${encodeURIComponent(id)}`, progress);
    if (this.seen) this.seen = { ...this.seen, at: new Date(), rollout: rolloutSeen(record) };
    return record;
  }

  /**
   * Ends a rollout (`id` undefined: whichever is running). The id is looked up first, so that a retry
   * addresses the same rollout and gets its end back rather than "no rollout is in progress".
   */
  async finish(id: string | undefined, action: 'promote' | 'rollback', reason: string, decidedBy?: RolloutDecider): Promise<RolloutEnd> {
    const target = id ?? (await this.view()).state.rollout?.id ?? 'current';
    return this.call('POST', `/v1/rollouts/${encodeURIComponent(target)}/${action}`, { reason, ...(decidedBy ? { decidedBy } : {}) }, { attemptTimeoutMs: SLOW_ATTEMPT_MS });
  }

  shutdown(): Promise<unknown> {
    return this.call('POST', '/v1/shutdown');
  }

  private saw(state: PlatformState): void {
    this.seen = { at: new Date(), weights: { ...state.weights }, rollout: state.rollout ? rolloutSeen(state.rollout) : null };
  }

  private async call<T>(method: string, path: string, payload?: unknown, options: CallOptions = { attemptTimeoutMs: QUICK_ATTEMPT_MS }): Promise<T> {
    const started = Date.now();
    // Read at each call: a platform restarted with a new token is followed without restarting its controllers.
    const token = readControlToken(this.tokenFile);
    for (let attempt = 1; ; attempt++) {
      let answer: { status: number; text: string };
      try {
        answer = await this.attempt(method, path, payload, token, options);
      } catch (error) {
        const failure = transientFailure(error, options.attemptTimeoutMs);
        if (failure === null) {
          const cause = (error as Error).cause ?? (error as Error).message;
          throw new PlatformUnavailable(`the platform's control API at ${this.controlUrl} is not reachable (${String(cause)}): is \`keelson up\` running?`);
        }
        const elapsed = Date.now() - started;
        if (elapsed >= this.unreachableAfterMs) throw new PlatformUnreachable(this.controlUrl, elapsed, attempt, failure, this.seen);
        await sleep(Math.min(backoffMs(attempt, this.backoff), this.unreachableAfterMs - elapsed));
        continue;
      }
      return this.answer<T>(method, path, answer, token !== null);
    }
  }

  /** One request; the body is read inside, so a connection lost mid-answer is retried like any other. */
  private async attempt(method: string, path: string, payload: unknown, token: string | null, options: CallOptions): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) headers['content-type'] = 'application/json';
    if (options.idempotencyKey) headers[IDEMPOTENCY_HEADER] = options.idempotencyKey;
    const res = await fetch(`${this.controlUrl}${path}`, {
      method,
      headers,
      body: payload === undefined ? null : JSON.stringify(payload),
      signal: AbortSignal.timeout(options.attemptTimeoutMs),
    });
    return { status: res.status, text: await res.text() };
  }

  private answer<T>(method: string, path: string, { status, text }: { status: number; text: string }, sentToken: boolean): T {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Not JSON (a proxy's error page...): the status says enough.
    }
    if (status >= 200 && status < 300) return body as T;
    const message = typeof body.error === 'string' ? body.error : `${method} ${path} answered ${status}`;
    if (status === 409) throw new PlatformConflict(message, body);
    if (status === 404) throw new PlatformNotFound(message);
    if (status === 400) throw new PlatformBadRequest(message);
    if (status === 401) {
      throw new PlatformUnauthorized(
        sentToken
          ? `the control API at ${this.controlUrl} refused the token in ${this.tokenFile}: is that the token file of the platform you mean (KEELSON_HOME)?`
          : `the control API at ${this.controlUrl} asks for a token and there is no token file at ${this.tokenFile}: set KEELSON_HOME to the platform's directory`,
      );
    }
    throw new Error(`platform error: ${message}`);
  }
}

const rolloutSeen = (r: RolloutRecord): LastSeenPlatform['rollout'] => ({ id: r.id, step: r.step, stepCount: r.stepCount, phase: r.phase });
