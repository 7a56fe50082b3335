import { timingSafeEqual } from 'node:crypto';
import { ServiceError } from '../../errors.js';
import { tokenDigest } from '../request-handling.js';

/**
 * The bearer tokens a server accepts, held as SHA-256 digests. Several at once make rotation possible without
 * downtime: add the new token, move the clients, remove the old one; `replace` swaps the whole set atomically.
 */
export class TokenSet {
  #digests: Buffer[];

  constructor(tokens: readonly string[]) {
    this.#digests = digestsOf(tokens);
  }

  /** The tokens of a token file: one per line; blank lines and `#` comments ignored, surrounding spaces trimmed. */
  static parse(text: string): string[] {
    return text.split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
  }

  get size(): number {
    return this.#digests.length;
  }

  /** Swaps in a new set; an empty one is refused (it would lock every client out, or silently turn auth off). */
  replace(tokens: readonly string[]): void {
    this.#digests = digestsOf(tokens);
  }

  /** Whether the set holds exactly these tokens (compares digests; order and duplicates do not matter). */
  sameAs(tokens: readonly string[]): boolean {
    const other = digestsOf(tokens);
    const key = (d: Buffer[]) => [...new Set(d.map((b) => b.toString('hex')))].sort().join();
    return key(other) === key(this.#digests);
  }

  /** Throws 401 unless `header` is `Bearer <token>` for one of the tokens. Every digest is compared, in constant time. */
  check(header: string | undefined): void {
    const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
    if (!match) throw new ServiceError('unauthorized', 'Authorization: expected "Bearer <token>"; this server requires a token for model routes');
    const offered = tokenDigest(match[1]!.trim());
    let matched = false;
    // No early exit: the time taken does not say which token (or whether an earlier one) matched.
    for (const digest of this.#digests) matched = timingSafeEqual(offered, digest) || matched;
    if (!matched) throw new ServiceError('unauthorized', 'Authorization: the bearer token is not valid');
  }
}

function digestsOf(tokens: readonly string[]): Buffer[] {
  if (tokens.length === 0) throw new Error('a token set needs at least one token');
  return tokens.map((token) => tokenDigest(token));
}

/** The server's token set: the reloading one `keelson serve` built, or a fixed one from `authToken`; none = auth off. */
export function tokenSetFor(options: { authToken?: string; authTokens?: TokenSet }): TokenSet | undefined {
  return options.authTokens ?? (options.authToken ? new TokenSet([options.authToken]) : undefined);
}
