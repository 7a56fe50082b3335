import { Hono, type Context } from 'hono';
import { INFER_ROUTES } from '../../../../contract/routes.js';
import type { ReadyModel } from '../../models/model-registry.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { HEADER_LENGTH, readBinaryBody, type InferBody } from '../infer-body.js';
import { readJsonBody } from '../read-json.js';
import { inferResponse, inferResponseHeaders, maxElementsFor } from '../request-handling.js';

/** `POST /v2/models/{m}[/versions/{v}]/infer` (Open Inference Protocol). */
export function inferRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxElements = maxElementsFor(deps.options.bodyLimitBytes);
  const infer = async (c: Context<AppEnv>) => {
    const model = resolveModel(c, deps);
    const answer = await inferResponse(deps, model, await readBody(c), maxElements, c.get('requestId'));
    return c.body(answer.kind === 'json' ? answer.text : new Uint8Array(answer.body.buffer as ArrayBuffer, answer.body.byteOffset, answer.body.byteLength), 200, inferResponseHeaders(answer));
  };
  const readBody = async (c: Context<AppEnv>): Promise<InferBody> => {
    const limit = deps.options.bodyLimitBytes;
    const headerLength = c.req.header(HEADER_LENGTH);
    if (headerLength === undefined) return { kind: 'json', json: await readJsonBody(c, limit) };
    const headers = { contentType: c.req.header('content-type'), contentLength: c.req.header('content-length'), headerLength };
    return readBinaryBody(c.env?.incoming ?? c.req.raw, headers, limit);
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
