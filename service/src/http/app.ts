import type { IncomingMessage, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './app-env.js';
import { errorHandler } from './error-handler.js';
import { createFastInfer } from './fast-infer.js';
import { bearerAuth } from './middleware/bearer-auth.js';
import { tokenSetFor } from './middleware/token-set.js';
import { drainingGuard } from './middleware/draining.js';
import { requestContext } from './middleware/request-context.js';
import { feedbackRoutes } from './routes/feedback.js';
import { healthRoutes } from './routes/health.js';
import { inferRoutes } from './routes/infer.js';
import { metadataRoutes } from './routes/metadata.js';
import { metricsRoutes } from './routes/metrics.js';
import { refuseOversizedBody } from './oversized-body.js';
import { v1Routes } from './routes/v1-predict.js';

export type { AppDeps, AppOptions } from './app-env.js';

/** Builds the HTTP app (Open Inference Protocol, KServe V1, health, metrics); tests call `app.request()`. */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requestContext(deps));
  app.use('*', drainingGuard(deps.isDraining));
  const auth = bearerAuth(tokenSetFor(deps.options));
  app.use('/v2/models/*', auth);
  app.use('/v1/*', auth);
  app.route('/', healthRoutes(deps));
  app.route('/', metadataRoutes(deps));
  app.route('/', inferRoutes(deps));
  app.route('/', feedbackRoutes(deps));
  app.route('/', v1Routes(deps));
  app.route('/', metricsRoutes(deps.metrics));
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path.slice(0, 200)}; see the API in docs/service.md` }, 404));
  app.onError(errorHandler(deps.logger));
  return app;
}

/** The service's node:http listener: OIP inference on the fast path (`fast-infer.ts`), everything else through `createApp`. */
export function createNodeListener(deps: AppDeps): (request: IncomingMessage, response: ServerResponse) => void {
  const fastInfer = createFastInfer(deps);
  const hono = getRequestListener(createApp(deps).fetch);
  return function serve(request, response) {
    if (!fastInfer(request, response) && !refuseOversizedBody(deps, request, response)) void hono(request, response);
  };
}
