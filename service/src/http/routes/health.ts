import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';

/** `GET /v2/health/live` (process up) and `GET /v2/health/ready` (every selected model warm, not draining). */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v2/health/live', (c) => c.json({ live: true }));
  app.get('/v2/health/ready', (c) => {
    if (deps.isDraining()) return c.json({ ready: false, error: 'the server is shutting down' }, 503);
    const pending = deps.models.list().filter((v) => v.status !== 'ready');
    if (pending.length === 0) return c.json({ ready: true });
    const why = pending.map((v) => `${v.name}:${v.version} ${v.status === 'failed' ? `failed: ${v.reason}` : 'loading'}`);
    return c.json({ ready: false, error: `not ready: ${why.join('; ')}` }, 503);
  });
  return app;
}
