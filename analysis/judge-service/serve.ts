import { serve } from '@hono/node-server';
import { HTTP_TIMEOUTS, serverTimeoutOptions } from '../../service/src/server/http-timeouts.js';
import { createJudgeApp } from './app.js';

export interface JudgeServeOptions {
  prometheusUrl: string;
  port: number;
  host: string;
  intervalMs: number;
  log: (line: string) => void;
}

/** Runs the judge service until SIGINT/SIGTERM. */
export async function runJudgeServer(options: JudgeServeOptions): Promise<void> {
  const app = createJudgeApp({ prometheusUrl: options.prometheusUrl, intervalMs: options.intervalMs });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host, serverOptions: serverTimeoutOptions(HTTP_TIMEOUTS) }, () => resolve(s));
    s.once('error', reject);
  });
  options.log(`keelson judge listening on http://${options.host}:${options.port}/v1/judge (Prometheus ${options.prometheusUrl}, looks every ${options.intervalMs / 1000}s)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => void server.close(() => resolve());
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
