/** A request to the platform that conflicts with what is running (a rollout already in progress...). */
export class PlatformConflict extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'PlatformConflict';
  }
}

/** A request naming something the platform does not have. */
export class PlatformNotFound extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformNotFound';
  }
}

/** A request with a bad field; the message names the field, the value and what was expected. */
export class PlatformBadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformBadRequest';
  }
}

/** The platform is not running where the caller looked for it. */
export class PlatformUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformUnavailable';
  }
}

/**
 * The control API refused the caller's credentials, or the token file cannot be used. The message names the token
 * file, never the token.
 */
export class PlatformUnauthorized extends PlatformUnavailable {
  constructor(message: string) {
    super(message);
    this.name = 'PlatformUnauthorized';
  }
}

/** `startPlatform` was interrupted (Ctrl-C) before the platform was ready; everything it started is stopped. */
export class PlatformStartAborted extends Error {
  constructor() {
    super('interrupted before the platform was ready; everything started was stopped');
    this.name = 'PlatformStartAborted';
  }
}

/** What a client last saw of the platform: shown when it stops answering, so the reader knows where traffic was. */
export interface LastSeenPlatform {
  at: Date;
  weights: { stable: number; baseline: number; canary: number };
  rollout: { id: string; step: number; stepCount: number; phase: string } | null;
}

/** The control API stayed unreachable for longer than the client's limit (`unreachableAfterMs`), retries included. */
export class PlatformUnreachable extends PlatformUnavailable {
  constructor(
    readonly controlUrl: string,
    readonly unreachableForMs: number,
    readonly attempts: number,
    readonly lastError: string,
    readonly lastSeen: LastSeenPlatform | null,
  ) {
    super(unreachableMessage(controlUrl, unreachableForMs, attempts, lastError, lastSeen));
    this.name = 'PlatformUnreachable';
  }
}

function unreachableMessage(url: string, ms: number, attempts: number, lastError: string, seen: LastSeenPlatform | null): string {
  const seconds = ms < 1_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1_000)} s`;
  const last = seen
    ? `weights last seen stable ${seen.weights.stable}% baseline ${seen.weights.baseline}% canary ${seen.weights.canary}% at ${seen.at.toISOString().slice(11, 19)} UTC${
        seen.rollout ? ` (rollout ${seen.rollout.id} ${rolloutAt(seen.rollout)})` : ''
      }`
    : 'no answer from it since this client started';
  return `platform unreachable for ${seconds} (control API ${url}, ${attempts} attempts, last: ${lastError}); ${last}; run \`keelson status\``;
}

const rolloutAt = (r: NonNullable<LastSeenPlatform['rollout']>): string => (r.step >= 0 ? `at step ${r.step + 1} of ${r.stepCount}` : r.phase);
