import { Hono, type Context } from 'hono';
import { INFER_ROUTES } from '../../../../contract/routes.js';
import { notFound } from '../../errors.js';
import { holdPrediction } from '../../feedback/remember.js';
import { formatV1Predictions, parseV1Request, type V1Model } from '../../protocol/v1-predict.js';
import type { ReadyModel } from '../../models/model-registry.js';
import type { AppDeps, AppEnv } from '../app-env.js';
import { observeInputs, observeOutputs } from '../model-observations.js';
import { readJsonBody } from '../read-json.js';
import { maxElementsFor, signatureOf } from '../request-handling.js';
import { resolveModel } from './infer.js';

const PREDICT = ':predict';

/**
 * KServe V1: `POST /v1/models/{m}[/versions/{v}]:predict` with `{"instances": [...]}` → `{"predictions": [...]}`,
 * and `GET /v1/models/{m}` (model status). Hono cannot match `:predict` inside a segment, so the last segment
 * is split here and the route label is set by hand.
 */
export function v1Routes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const maxElements = maxElementsFor(deps.options.bodyLimitBytes);
  const predict = async (c: Context<AppEnv>, name: string, version: string | undefined) => {
    const model = resolveModel(c, deps, name, version);
    const body = await readJsonBody(c, deps.options.bodyLimitBytes);
    const inputs = parseV1Request(body, v1Model(model), maxElements);
    observeInputs(deps.metrics, model, inputs);
    const remember = holdPrediction(deps.feedback, model, c.get('requestId'), inputs);
    const outputs = await deps.inference.infer(model, inputs);
    observeOutputs(deps.metrics, model, outputs);
    remember?.(outputs);
    return c.json({ model_name: model.name, model_version: model.version, predictions: formatV1Predictions(v1Model(model), outputs) });
  };
  app.post('/v1/models/:target', (c) => {
    c.set('route', INFER_ROUTES.v1Predict);
    return predict(c, stripVerb(c.req.param('target')), undefined);
  });
  app.post('/v1/models/:model/versions/:target', (c) => {
    c.set('route', INFER_ROUTES.v1PredictVersion);
    return predict(c, c.req.param('model'), stripVerb(c.req.param('target')));
  });
  app.get('/v1/models/:model', (c) => {
    const model = deps.models.find(c.req.param('model'), undefined);
    return c.json({ name: model.name, ready: model.status === 'ready' && !deps.isDraining() }, model.status === 'ready' ? 200 : 503);
  });
  return app;
}

function stripVerb(target: string): string {
  if (!target.endsWith(PREDICT)) throw notFound(`no route for ${JSON.stringify(target.slice(0, 80))}; KServe V1 paths end in ":predict"`);
  return target.slice(0, -PREDICT.length);
}

function v1Model(model: ReadyModel): V1Model {
  const { manifest } = model;
  return {
    ...signatureOf(model),
    features: manifest.features,
    ...(manifest.labels ? { labels: manifest.labels } : {}),
    ...(manifest.labelOutput ? { labelOutput: manifest.labelOutput } : {}),
  };
}
