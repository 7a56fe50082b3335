import { Hono, type Context } from 'hono';
import { INFER_ROUTES } from '../../../../contract/routes.js';
import type { ReadyModel } from '../../models/model-registry.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { readJsonBody } from '../read-json.js';
import { inferResponse, maxElementsFor } from '../request-handling.js';

/** `POST /v2/models/{m}[/versions/{v}]/infer` (Open Inference Protocol). */
export function inferRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxElements = maxElementsFor(deps.options.bodyLimitBytes);
  const infer = async (c: Context<AppEnv>) => {
    const model = resolveModel(c, deps);
    const body = await readJsonBody(c, deps.options.bodyLimitBytes);
    return c.body(await inferResponse(deps, model, body, maxElements, c.get('requestId')), 200, { 'Content-Type': 'application/json' });
  };
  app.post(INFER_ROUTES.v2Infer, infer);
  app.post(INFER_ROUTES.v2InferVersion, infer);
  return app;
}

/** Resolves the URL's model version (404/503) and remembers it for metric labels and the access log. */
export function resolveModel(c: Context<AppEnv>, deps: AppDeps, name = c.req.param('model')!, version = c.req.param('version')): ReadyModel {
  const model = deps.models.findReady(name, version);
  c.set('model', model);
  return model;
}
