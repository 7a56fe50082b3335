import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';

/** The readiness answer: every selected model version warm and the server not draining (200), else 503 and why. */
export function readiness(deps: Pick<AppDeps, 'isDraining' | 'models'>): { status: 200 | 503; body: { ready: boolean; error?: string } } {
  if (deps.isDraining()) return { status: 503, body: { ready: false, error: 'the server is shutting down' } };
  const pending = deps.models.list().filter((v) => v.status !== 'ready');
  if (pending.length === 0) return { status: 200, body: { ready: true } };
  const why = pending.map((v) => `${v.name}:${v.version} ${v.status === 'failed' ? `failed: ${v.reason}` : 'loading'}`);
  return { status: 503, body: { ready: false, error: `not ready: ${why.join('; ')}` } };
}

/** `GET /v2/health/live` (process up) and `GET /v2/health/ready` (every selected model warm, not draining). */
export function healthRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/v2/health/live', (c) => c.json({ live: true }));
  app.get('/v2/health/ready', (c) => {
    const { status, body } = readiness(deps);
    return c.json(body, status);
  });
  return app;
}
