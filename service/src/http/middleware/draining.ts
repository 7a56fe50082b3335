import type { MiddlewareHandler } from 'hono';
import { isModelApiPath } from '../../../../contract/routes.js';
import { unavailable, type ServiceError } from '../../errors.js';
import type { AppEnv } from '../app-env.js';

/** The 503 a model request gets once shutdown has started. */
export const shuttingDown = (): ServiceError => unavailable('the server is shutting down; retry against another replica', 1);

/** While the server drains: every response closes its connection, and new model requests get 503. */
export function drainingGuard(isDraining: () => boolean): MiddlewareHandler<AppEnv> {
  return async function drainingGuardMiddleware(c, next) {
    if (!isDraining()) return next();
    c.header('Connection', 'close');
    if (isModelApiPath(c.req.path)) throw shuttingDown();
    return next();
  };
}
