import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import { logRequest, type AccessLogEntry } from '../../logging/access-log.js';
import type { ReadyModel } from '../../models/model-registry.js';
import type { AppDeps, AppEnv } from '../app-env.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The route label: the matched template, never the raw path (bounded label values). */
function routeLabel(template: string | undefined): string {
  return !template || template === '*' || template === '/*' ? 'unmatched' : template;
}

/** The request id: the client's `X-Request-Id` when it is sane, otherwise a fresh UUID. */
export function requestIdFrom(offered: string | undefined): string {
  return offered && REQUEST_ID.test(offered) ? offered : randomUUID();
}

/** One finished request, as metrics and the access log see it. */
export interface FinishedRequest extends AccessLogEntry {
  model?: ReadyModel | undefined;
}

/** HTTP metrics, the inference outcome count and the access log line of one request (both HTTP paths). */
export function recordRequest(deps: Pick<AppDeps, 'metrics' | 'logger'>, request: FinishedRequest): void {
  const { metrics, logger } = deps;
  const { status, model, route } = request;
  const method = METHODS.has(request.method) ? request.method : 'other';
  const code = String(status);
  const http = metrics.http(method, route, code);
  http.requests.inc();
  http.duration.observe(request.durationNs / 1e9);
  if (model) metrics.model(model.name, model.version).outcome[status < 400 ? 'success' : status < 500 ? 'client_error' : 'server_error'].inc();
  logRequest(logger, request);
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
