import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { logRequest } from '../../logging/events.js';
import type { AppDeps, AppEnv } from '../app-env.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The route label: the matched template, never the raw path (bounded label values). */
export function routeLabel(template: string | undefined): string {
  return !template || template === '*' || template === '/*' ? 'unmatched' : template;
}

/**
 * Outermost middleware: request id (accepted from `X-Request-Id` when sane, otherwise generated; always
 * echoed), HTTP metrics, inference outcome counts and one access log line per request.
 */
export function requestContext(deps: Pick<AppDeps, 'metrics' | 'logger'>): MiddlewareHandler<AppEnv> {
  const { metrics, logger } = deps;
  return async function requestContextMiddleware(c, next) {
    const started = process.hrtime.bigint();
    const offered = c.req.header('x-request-id');
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    c.set('requestId', requestId);
    metrics.httpInFlight.inc();
    try {
      await next();
    } finally {
      metrics.httpInFlight.dec();
    }
    c.res.headers.set('X-Request-Id', requestId);
    const durationNs = Number(process.hrtime.bigint() - started);
    const method = METHODS.has(c.req.method) ? c.req.method : 'other';
    const route = c.get('route') ?? routeLabel(routePath(c, -1));
    const code = String(c.res.status);
    metrics.httpRequests.inc({ method, route, code });
    metrics.httpDuration.observe({ method, route, code }, durationNs / 1e9);
    const model = c.get('model');
    if (model) {
      const outcome = c.res.status < 400 ? 'success' : c.res.status < 500 ? 'client_error' : 'server_error';
      metrics.inferenceRequests.inc({ model: model.name, version: model.version, outcome });
    }
    logRequest(logger, {
      method: c.req.method, path: c.req.path, route, status: c.res.status, durationNs, requestId,
      ...(model ? { model: model.name, version: model.version } : {}),
    });
  };
}
