import { Hono } from 'hono';
import type { ServiceMetrics } from '../../metrics/service-metrics.js';
import type { AppEnv } from '../app-env.js';

/** `GET /metrics` in the Prometheus text format (open even when auth is on). */
export function metricsRoutes(metrics: ServiceMetrics): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/metrics', async (c) => {
    const { contentType, body } = await metrics.exposition();
    return c.body(body, 200, { 'Content-Type': contentType });
  });
  return app;
}
