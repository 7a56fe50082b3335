import { Hono, type Context } from 'hono';
import { unavailable } from '../../errors.js';
import type { AppDeps, AppEnv } from '../app-env.js';

/** Triton's platform name for ONNX models. */
const PLATFORM = 'onnxruntime_onnx';

/** Server metadata, model metadata and model readiness (OIP), with and without `/versions/{v}`. */
export function metadataRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const server = (c: Context<AppEnv>) => c.json({ name: 'keelson', version: deps.options.serverVersion, extensions: deps.options.extensions });
  app.get('/v2', server);
  app.get('/v2/', server);

  const metadata = (c: Context<AppEnv>) => {
    const model = deps.models.find(c.req.param('model')!, c.req.param('version'));
    if (!model.manifest) throw unavailable(`model "${model.name}" version ${model.version} has no readable manifest${model.status === 'failed' ? `: ${model.reason}` : ''}`, 30);
    const versions = deps.models.readyVersions(model.name);
    return c.json({
      name: model.name,
      versions: versions.length > 0 ? versions : [model.version],
      platform: PLATFORM,
      inputs: model.manifest.inputs,
      outputs: model.manifest.outputs,
    });
  };
  app.get('/v2/models/:model', metadata);
  app.get('/v2/models/:model/versions/:version', metadata);

  const ready = (c: Context<AppEnv>) => {
    const model = deps.models.find(c.req.param('model')!, c.req.param('version'));
    if (model.status === 'ready' && !deps.isDraining()) return c.json({ name: model.name, ready: true });
    const why = deps.isDraining() ? 'the server is shutting down' : model.status === 'failed' ? model.reason : 'still loading';
    return c.json({ name: model.name, ready: false, error: `version ${model.version}: ${why}` }, 503);
  };
  app.get('/v2/models/:model/ready', ready);
  app.get('/v2/models/:model/versions/:version/ready', ready);
  return app;
}
