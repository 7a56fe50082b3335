import { Hono, type Context } from 'hono';
import { INFER_ROUTES } from '../../../../contract/routes.js';
import type { ReadyModel } from '../../models/model-registry.js';
import { inferResponseText, parseInferRequest } from '../../protocol/v2-infer.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { observeInputs, observeOutputs } from '../model-observations.js';
import { readJsonBody } from '../read-json.js';

/** A JSON number takes at least two bytes ("0,"), so a body of N bytes never holds more than N/2 values. */
export const maxElementsFor = (bodyLimitBytes: number): number => Math.max(1, Math.floor(bodyLimitBytes / 2));

/** Validates a parsed OIP request body, runs it and writes the JSON response body (shared by Hono and the fast path). */
export async function inferResponse(deps: Pick<AppDeps, 'metrics' | 'inference'>, model: ReadyModel, body: unknown, maxElements: number): Promise<string> {
  const signature = signatureOf(model);
  const request = parseInferRequest(body, signature, maxElements);
  observeInputs(deps.metrics, model, request.inputs);
  const outputs = await deps.inference.infer(model, request.inputs);
  observeOutputs(deps.metrics, model, outputs);
  return inferResponseText(signature, request, outputs);
}

/** `POST /v2/models/{m}[/versions/{v}]/infer` (Open Inference Protocol). */
export function inferRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxElements = maxElementsFor(deps.options.bodyLimitBytes);
  const infer = async (c: Context<AppEnv>) => {
    const model = resolveModel(c, deps);
    const body = await readJsonBody(c, deps.options.bodyLimitBytes);
    return c.body(await inferResponse(deps, model, body, maxElements), 200, { 'Content-Type': 'application/json' });
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

/** The protocol view of a manifest. */
export function signatureOf(model: ReadyModel) {
  const { manifest } = model;
  return { name: model.name, version: model.version, inputs: manifest.inputs, outputs: manifest.outputs };
}
