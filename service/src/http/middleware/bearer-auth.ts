import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from '../app-env.js';
import { AUTH_CHALLENGE } from '../request-handling.js';
import type { TokenSet } from './token-set.js';

/** Requires `Authorization: Bearer <token>` for one of the set's tokens (compared as digests, in constant time). No set, no check. */
export function bearerAuth(tokens: TokenSet | undefined): MiddlewareHandler<AppEnv> {
  return async function bearerAuthMiddleware(c, next) {
    if (tokens) {
      try {
        tokens.check(c.req.header('authorization'));
      } catch (error) {
        c.header('WWW-Authenticate', AUTH_CHALLENGE);
        throw error;
      }
    }
    await next();
  };
}
