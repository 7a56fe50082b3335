import { randomBytes } from 'node:crypto';
import { tokenMatches } from '../../platform/control-token.js';

/** How long a login code printed by `keelson console` can be used (once). */
export const LOGIN_CODE_TTL_MS = 120_000;
/** How long a console session lasts after login. */
export const SESSION_TTL_MS = 12 * 3_600_000;
export const SESSION_COOKIE = 'keelson_console';
const MAX_PENDING = 32;

/**
 * One-time login codes and the sessions they open, in the platform's memory (a restart logs everyone out). A code is
 * minted only for a caller holding the control token (`keelson console`), works once, and expires quickly; the
 * session it opens lives in an HttpOnly SameSite=Strict cookie, so the long-lived control token never reaches a URL,
 * a page or the browser's script.
 */
export class ConsoleSessions {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new code (43 base64url characters) and when it expires. */
  mintCode(): { code: string; expiresAt: number } {
    this.sweep();
    // Unused codes pile up only if someone mints them in a loop: the oldest go first.
    while (this.codes.size >= MAX_PENDING) this.codes.delete(this.codes.keys().next().value!);
    const code = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + LOGIN_CODE_TTL_MS;
    this.codes.set(code, expiresAt);
    return { code, expiresAt };
  }

  /** Spends a code: a session id and its expiry, or why not. */
  redeem(code: string): { kind: 'session'; id: string; expiresAt: number } | { kind: 'refused'; reason: string } {
    this.sweep();
    const match = [...this.codes.keys()].find((c) => tokenMatches(code, c));
    if (!match) return { kind: 'refused', reason: 'this login code is unknown, used already or expired (codes work once, for 2 minutes)' };
    this.codes.delete(match);
    const id = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + SESSION_TTL_MS;
    this.sessions.set(id, expiresAt);
    return { kind: 'session', id, expiresAt };
  }

  /** The session's expiry when `id` names a live session, else null. */
  check(id: string | undefined): number | null {
    if (!id) return null;
    this.sweep();
    const match = [...this.sessions.keys()].find((s) => tokenMatches(id, s));
    return match ? this.sessions.get(match)! : null;
  }

  end(id: string | undefined): void {
    if (id) this.sessions.delete(id);
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, until] of this.codes) if (until <= now) this.codes.delete(k);
    for (const [k, until] of this.sessions) if (until <= now) this.sessions.delete(k);
  }
}
