import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ServiceError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';

/** The `WWW-Authenticate` challenge sent with every 401. */
export const AUTH_CHALLENGE = 'Bearer realm="keelson"';

/** Digest of a token; tokens are compared as digests, in constant time. */
export const tokenDigest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Throws 401 unless `header` is `Bearer <token>` with the expected token's digest. */
export function checkBearer(expected: Buffer, header: string | undefined): void {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match || !timingSafeEqual(tokenDigest(match[1]!.trim()), expected)) {
    throw new ServiceError('unauthorized', match ? 'Authorization: the bearer token is not valid' : 'Authorization: expected "Bearer <token>"; this server requires a token for model routes');
  }
}

/** Requires `Authorization: Bearer <token>`; compares digests in constant time. No token, no check. */
export function bearerAuth(token: string | undefined): MiddlewareHandler<AppEnv> {
  const expected = token ? tokenDigest(token) : undefined;
  return async function bearerAuthMiddleware(c, next) {
    if (expected) {
      try {
        checkBearer(expected, c.req.header('authorization'));
      } catch (error) {
        c.header('WWW-Authenticate', AUTH_CHALLENGE);
        throw error;
      }
    }
    await next();
  };
}
