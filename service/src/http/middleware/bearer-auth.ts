import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { AUTH_CHALLENGE, checkBearer, tokenDigest } from '../request-handling.js';

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
