/**
 * `--auth-token-file`: the tokens a server accepts, re-read while it runs so a token can be rotated without a
 * restart. The file is polled rather than watched: Kubernetes updates a mounted Secret by swapping a symlink,
 * which `fs.watch` on the file does not see reliably, and a read of a few bytes every few seconds costs nothing.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { TokenSet } from '../http/middleware/token-set.js';
import type { Logger } from '../logging/logger.js';

/** How often the file is re-read unless told otherwise (`KEELSON_AUTH_RELOAD_INTERVAL`). */
export const TOKEN_RELOAD_MS = 5_000;

/** What a read of the token file gave: tokens, or why there are none. Never the tokens' text in `reason`. */
export type TokenFileRead = { kind: 'tokens'; tokens: string[] } | { kind: 'unusable'; reason: string };

/** Reads and parses the file, as a value (the caller decides whether a bad read is fatal). */
export async function readTokenFile(path: string): Promise<TokenFileRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { kind: 'unusable', reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  return parsed(text);
}

/** The start-up read: a file without a token is a configuration error naming the flag and the file. */
export function loadTokenFile(path: string): string[] {
  let read: TokenFileRead;
  try {
    read = parsed(readFileSync(path, 'utf8'));
  } catch (error) {
    read = { kind: 'unusable', reason: `cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})` };
  }
  if (read.kind === 'unusable') throw new ConfigError(`--auth-token-file ${path}: ${read.reason}`);
  return read.tokens;
}

function parsed(text: string): TokenFileRead {
  const tokens = TokenSet.parse(text);
  return tokens.length > 0 ? { kind: 'tokens', tokens } : { kind: 'unusable', reason: 'it holds no token (one per line; blank lines and # comments are ignored)' };
}

/** A token set kept in step with its file; `stop()` ends the polling. */
export interface WatchedTokens {
  tokens: TokenSet;
  /** Re-reads the file now: a changed set replaces the old one, an unusable file keeps it. */
  reload(): Promise<void>;
  stop(): void;
}

/** Starts from `initial` (the start-up read) and re-reads `path` every `intervalMs`. Logs counts and reasons only. */
export function watchTokenFile(path: string, initial: string[], logger: Logger, intervalMs = TOKEN_RELOAD_MS): WatchedTokens {
  const tokens = new TokenSet(initial);
  let lastProblem: string | undefined;
  let running: Promise<void> | undefined;
  const event = (action: string) => ({ event: { kind: 'event', action, category: ['configuration'] }, keelson: { file: path } });

  async function reloadOnce(): Promise<void> {
    const read = await readTokenFile(path);
    if (read.kind === 'unusable') {
      // Once per problem, not every poll: a Secret deleted by mistake should not flood the logs.
      if (read.reason !== lastProblem) logger.warn(event('auth_tokens_kept'), `--auth-token-file ${path}: ${read.reason}; keeping the ${tokens.size} token(s) read before`);
      lastProblem = read.reason;
      return;
    }
    lastProblem = undefined;
    if (tokens.sameAs(read.tokens)) return;
    const before = tokens.size;
    tokens.replace(read.tokens);
    logger.info(event('auth_tokens_reloaded'), `--auth-token-file ${path}: now ${tokens.size} token(s) accepted (was ${before})`);
  }
  const reload = () => (running ??= reloadOnce().finally(() => (running = undefined)));

  const timer = setInterval(() => void reload(), intervalMs);
  timer.unref();
  return { tokens, reload, stop: () => clearInterval(timer) };
}
