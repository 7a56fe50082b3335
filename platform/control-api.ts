import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { instanceBody, readBody, rolloutClaimBody, rolloutEndBody, rolloutProgressBody, weightsBody } from './control-bodies.js';
import type { PlatformControl } from './control.js';
import { controlGuard, type ControlGuardOptions } from './control-guard.js';
import { PlatformBadRequest, PlatformConflict, PlatformNotFound } from './errors.js';
import { IDEMPOTENCY_HEADER } from './idempotency.js';

export interface ControlApiOptions extends ControlGuardOptions {
  /** Called (on the next tick) by `POST /v1/shutdown`. */
  onShutdown(): void;
  /** More routes on the same loopback port (the console); its `/v1` routes are behind the same guard. */
  mounted?: Hono;
}

/**
 * The platform's control API (loopback only): what `keelson rollout`, `promote`, `rollback`, `down`
 * and the GitOps agent call. Versioned under `/v1`, every route behind `controlGuard` (token, Host, Origin, JSON,
 * size); bodies are validated by `control-bodies.ts` (400 naming the field). `GET /healthz` answers anyone and
 * says nothing but that the API is up.
 */
export function createControlApi(control: PlatformControl, options: ControlApiOptions): Hono {
  const app = new Hono();

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.use('/v1/*', controlGuard(options));

  app.get('/v1/state', async (c) => c.json({ state: control.state(), answered: await control.answered() }));

  app.put('/v1/weights', async (c) => c.json(control.setWeights(await readBody(c.req.raw, weightsBody, 'weights'))));

  app.post('/v1/instances', async (c) => {
    const { role, version } = await readBody(c.req.raw, instanceBody);
    return c.json(await control.startInstance(role, version, c.req.header(IDEMPOTENCY_HEADER)), 201);
  });

  app.delete('/v1/instances/:name', async (c) => {
    await control.stopInstance(c.req.param('name'), c.req.query('reason') ?? 'stopped on request', c.req.header(IDEMPOTENCY_HEADER));
    return c.json({ stopped: c.req.param('name') });
  });

  app.post('/v1/rollouts', async (c) => c.json(await control.beginRollout(await readBody(c.req.raw, rolloutClaimBody)), 201));

  app.patch('/v1/rollouts/:id', async (c) => c.json(control.updateRollout(c.req.param('id'), await readBody(c.req.raw, rolloutProgressBody))));

  // `current` addresses whatever rollout is running (the manual `keelson promote` / `keelson rollback`).
  app.post('/v1/rollouts/:id/:action{promote|rollback}', async (c) => {
    const id = c.req.param('id') === 'current' ? undefined : c.req.param('id');
    const { reason, decidedBy } = await readBody(c.req.raw, rolloutEndBody);
    const outcome = c.req.param('action') === 'promote' ? 'promoted' : 'rolled-back';
    return c.json(await control.finish(id, outcome, reason ?? `${c.req.param('action')} requested`, decidedBy));
  });

  app.post('/v1/shutdown', (c) => {
    setImmediate(() => options.onShutdown());
    return c.json({ stopping: true }, 202);
  });
  if (options.mounted) app.route('/', options.mounted);

  app.onError((error, c) => {
    const status: ContentfulStatusCode =
      error instanceof PlatformConflict ? 409
      : error instanceof PlatformNotFound ? 404
      : error instanceof PlatformBadRequest ? 400
      : error instanceof HTTPException ? error.status
      : 500;
    const details = error instanceof PlatformConflict ? error.details : {};
    return c.json({ error: error.message, ...details }, status);
  });
  return app;
}
