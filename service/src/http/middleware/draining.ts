import type { MiddlewareHandler } from 'hono';
import { isModelApiPath } from '../../../../contract/routes.js';
import { shuttingDown } from '../request-handling.js';
import type { AppEnv } from '../app-env.js';

/** While the server drains: every response closes its connection, and new model requests get 503. */
export function drainingGuard(isDraining: () => boolean): MiddlewareHandler<AppEnv> {
  return async function drainingGuardMiddleware(c, next) {
    if (!isDraining()) return next();
    c.header('Connection', 'close');
    if (isModelApiPath(c.req.path)) throw shuttingDown();
    return next();
  };
}
