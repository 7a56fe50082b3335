import type { RolloutClaim, RolloutProgress } from './control.js';
import { PlatformBadRequest, PlatformConflict, PlatformNotFound, PlatformUnavailable } from './errors.js';
import { platformPaths, type PlatformPaths } from './paths.js';
import { isAlive, readState, type InstanceRecord, type PlatformState, type RolloutEnd, type RolloutRecord, type Variant, type Weights } from './state.js';

/** The platform's state plus requests answered per variant since it started. */
export interface PlatformView {
  state: PlatformState;
  answered: Record<Variant, number>;
}

/** Talks to a running platform's control API (the adapter every controller and command uses). */
export class PlatformClient {
  constructor(readonly controlUrl: string) {}

  /** Finds the platform running from `paths` (`.keelson/` by default) through its state.json. */
  static locate(paths: PlatformPaths = platformPaths()): PlatformClient {
    const state = readState(paths.state);
    if (!state?.platform || !isAlive(state.platform.pid)) {
      throw new PlatformUnavailable(`no platform is running from ${paths.root}: start one with \`keelson up\``);
    }
    return new PlatformClient(state.platform.controlUrl);
  }

  view(): Promise<PlatformView> {
    return this.call('GET', '/v1/state');
  }

  setWeights(weights: Weights): Promise<PlatformState> {
    return this.call('PUT', '/v1/weights', weights);
  }

  startInstance(role: Variant, version: string): Promise<InstanceRecord> {
    return this.call('POST', '/v1/instances', { role, version });
  }

  stopInstance(name: string, reason: string): Promise<unknown> {
    return this.call('DELETE', `/v1/instances/${encodeURIComponent(name)}?reason=${encodeURIComponent(reason)}`);
  }

  beginRollout(claim: RolloutClaim): Promise<{ record: RolloutRecord; resolved: RolloutEnd | null }> {
    return this.call('POST', '/v1/rollouts', claim);
  }

  updateRollout(id: string, progress: RolloutProgress): Promise<RolloutRecord> {
    return this.call('PATCH', `/v1/rollouts/${encodeURIComponent(id)}`, progress);
  }

  /** Ends a rollout (`id` undefined: whichever is running). */
  finish(id: string | undefined, action: 'promote' | 'rollback', reason: string): Promise<RolloutEnd> {
    return this.call('POST', `/v1/rollouts/${encodeURIComponent(id ?? 'current')}/${action}`, { reason });
  }

  shutdown(): Promise<unknown> {
    return this.call('POST', '/v1/shutdown');
  }

  private async call<T>(method: string, path: string, payload?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.controlUrl}${path}`, {
        method,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
        body: payload === undefined ? null : JSON.stringify(payload),
        signal: AbortSignal.timeout(120_000),
      });
    } catch (error) {
      throw new PlatformUnavailable(`the platform's control API at ${this.controlUrl} is not reachable (${(error as Error).cause ?? (error as Error).message}): is \`keelson up\` running?`);
    }
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return body as T;
    const message = typeof body.error === 'string' ? body.error : `${method} ${path} answered ${res.status}`;
    if (res.status === 409) throw new PlatformConflict(message, body);
    if (res.status === 404) throw new PlatformNotFound(message);
    if (res.status === 400) throw new PlatformBadRequest(message);
    throw new Error(`platform error: ${message}`);
  }
}
