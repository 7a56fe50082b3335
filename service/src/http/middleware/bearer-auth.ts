import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { ServiceError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Requires `Authorization: Bearer <token>`; compares digests in constant time. No token, no check. */
export function bearerAuth(token: string | undefined): MiddlewareHandler<AppEnv> {
  const expected = token ? digest(token) : undefined;
  return async function bearerAuthMiddleware(c, next) {
    if (expected) {
      const header = c.req.header('authorization') ?? '';
      const match = /^Bearer\s+(.+)$/i.exec(header);
      if (!match || !timingSafeEqual(digest(match[1]!.trim()), expected)) {
        c.header('WWW-Authenticate', 'Bearer realm="keelson"');
        throw new ServiceError('unauthorized', match ? 'Authorization: the bearer token is not valid' : 'Authorization: expected "Bearer <token>"; this server requires a token for model routes');
      }
    }
    await next();
  };
}
