/**
 * The control-plane token: a secret in `.keelson/control-token` (mode 600) that every call to the platform's
 * control API and to the router's admin API carries as `Authorization: Bearer`. Only its path ever appears in
 * messages, never its content.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { PlatformUnauthorized } from './errors.js';

/** 32 random bytes in base64url: 43 characters. */
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/**
 * The token of the platform running from `file`'s directory: the one an earlier run left (so running controllers,
 * the GitOps agent and an adopted router keep working), else a new one. The file is created with mode 600 from its
 * first byte (written beside it, then linked into place, so no reader ever sees it empty or another's).
 */
export function ensureControlToken(file: string): string {
  const existing = readControlToken(file);
  if (existing !== null) return existing;
  mkdirSync(dirname(file), { recursive: true });
  const token = randomBytes(32).toString('base64url');
  const staged = `${file}.${process.pid}.new`;
  rmSync(staged, { force: true });
  writeFileSync(staged, `${token}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(staged, file);
  } catch (error) {
    // Another process made it in the meantime: that one is the token.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(staged);
  }
  return readControlToken(file)!;
}

/**
 * Reads the token (null when there is no file). A file that others could read or write, that another user owns, or
 * that holds no token is refused: its path and what to do are in the message.
 */
export function readControlToken(file: string): string | null {
  let text: string;
  try {
    const stat = statSync(file);
    if ((stat.mode & 0o077) !== 0) {
      throw new PlatformUnauthorized(`the control token file ${file} is open to other users (mode ${(stat.mode & 0o777).toString(8)}): expected mode 600; run \`chmod 600 ${file}\``);
    }
    if (typeof process.getuid === 'function' && stat.uid !== process.getuid()) {
      throw new PlatformUnauthorized(`the control token file ${file} belongs to user ${stat.uid}, not to this user (${process.getuid()}): expected a file of your own`);
    }
    text = readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  if (!TOKEN_PATTERN.test(text)) {
    throw new PlatformUnauthorized(`the control token file ${file} holds no keelson token (expected 43 base64url characters): delete it and restart the platform (\`keelson down\`, \`keelson up\`) to have a new one made`);
  }
  return text;
}

/** Whether `presented` is `token`, in time that does not depend on where they differ. */
export function tokenMatches(presented: string, token: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  // timingSafeEqual needs equal lengths; comparing the token with itself keeps the time the same on a length mismatch.
  return a.length === b.length ? timingSafeEqual(a, b) : !timingSafeEqual(b, b);
}
