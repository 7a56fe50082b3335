import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { AppDeps, AppEnv } from '../app-env.js';
import { recordRequest, requestIdFrom } from '../request-handling.js';

/** The route label: the matched template, never the raw path (bounded label values). */
function routeLabel(template: string | undefined): string {
  return !template || template === '*' || template === '/*' ? 'unmatched' : template;
}

/**
 * Outermost middleware: request id (accepted from `X-Request-Id` when sane, otherwise generated; always
 * echoed), HTTP metrics, inference outcome counts and one access log line per request.
 */
export function requestContext(deps: Pick<AppDeps, 'metrics' | 'logger'>): MiddlewareHandler<AppEnv> {
  const { metrics } = deps;
  return async function requestContextMiddleware(c, next) {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    metrics.httpInFlight.inc();
    try {
      await next();
    } finally {
      metrics.httpInFlight.dec();
    }
    c.res.headers.set('X-Request-Id', requestId);
    recordRequest(deps, {
      method: c.req.method, path: c.req.path, route: c.get('route') ?? routeLabel(routePath(c, -1)), status: c.res.status,
      durationNs: Number(process.hrtime.bigint() - started), requestId, model: c.get('model'),
    });
  };
}
