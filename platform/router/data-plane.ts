import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { writeJsonAtomic } from '../atomic-json.js';
import { controlGuard } from '../control-guard.js';
import { readControlToken } from '../control-token.js';
import { PlatformUnauthorized } from '../errors.js';
import { describeIssue, poolUpdateSchema, type RouterInfo, type RouterView } from './pool.js';
import { startRouter, type Router } from './router.js';
import { HTTP_TIMEOUTS, serverTimeoutOptions, type HttpTimeouts } from '../../service/src/server/http-timeouts.js';

export interface RouterProcessOptions {
  host: string;
  port: number;
  /** Where to write `RouterInfo` once listening (`.keelson/router.json`). */
  infoFile: string;
  /** The platform's control token file (`.keelson/control-token`): the admin API asks for its token. */
  tokenFile: string;
  /** The router port's client timeouts (`--http-headers-timeout`, `--http-request-timeout`). */
  httpTimeouts?: Partial<HttpTimeouts>;
  log(line: string): void;
}

/** Largest pool update: a few hundred bytes per instance. */
const POOL_BODY_LIMIT_BYTES = 256 * 1024;

/** Exit code of the router process when its port cannot be used (the platform turns it into a clear message). */
export const EXIT_ADDRESS_UNUSABLE = 3;

/**
 * The data plane of the local platform, a process of its own: the weighted router plus a loopback admin API
 * through which the platform sets the pool, behind the platform's control token. It keeps the last pool it was given when the platform dies, so
 * traffic keeps flowing; a restarted platform adopts it.
 */
export async function runRouterProcess(options: RouterProcessOptions): Promise<{ router: Router; stop(): Promise<void> }> {
  const token = readControlToken(options.tokenFile);
  if (token === null) throw new PlatformUnauthorized(`no control token at ${options.tokenFile}: the router is started by \`keelson up\`, which makes it`);
  const router = await startRouter({ host: options.host, port: options.port, ...(options.httpTimeouts ? { httpTimeouts: options.httpTimeouts } : {}) });
  let generation = -1;
  let upstreams: RouterView['upstreams'] = [];
  let stopping: Promise<void> | undefined;
  const admin = new Hono();
  admin.use('/v1/*', controlGuard({ token, tokenFile: options.tokenFile, maxBodyBytes: POOL_BODY_LIMIT_BYTES }));
  admin.get('/v1/state', (c) => c.json(view()));
  // Asked for instances already out of the pool, while they drain.
  admin.get('/v1/in-flight/:name', (c) => c.json({ inFlight: router.inFlight(c.req.param('name')) }));
  admin.put('/v1/pool', async (c) => {
    const parsed = poolUpdateSchema.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) return c.json({ error: `pool update refused: ${describeIssue(parsed.error)}` }, 400);
    const update = parsed.data;
    // Updates may arrive out of order after a retry: the newest generation wins.
    if (update.generation >= generation) {
      generation = update.generation;
      upstreams = update.upstreams;
      router.setPool(update.upstreams, update.weights);
      if (update.verdict) router.metrics.setVerdict(update.verdict.rolloutId, update.verdict.decision);
    }
    return c.json(view());
  });
  admin.post('/v1/shutdown', (c) => {
    setImmediate(() => void stop());
    return c.json({ stopping: true }, 202);
  });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: admin.fetch, hostname: '127.0.0.1', port: 0, serverOptions: serverTimeoutOptions(HTTP_TIMEOUTS) }, () => resolve(s));
  });
  const info: RouterInfo = {
    pid: process.pid,
    url: router.url,
    adminUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    host: options.host,
    port: router.port,
    startedAt: new Date().toISOString(),
  };
  writeJsonAtomic(options.infoFile, info);
  options.log(`router ${router.url} (admin ${info.adminUrl}), pid ${process.pid}`);

  function view(): RouterView {
    const inFlight: Record<string, number> = {};
    for (const u of upstreams) inFlight[u.name] = router.inFlight(u.name);
    return { pid: process.pid, url: router.url, generation, weights: router.weights(), upstreams, answered: { ...router.metrics.answered }, inFlight };
  }
  function stop(): Promise<void> {
    stopping ??= (async () => {
      options.log('router stopping: draining connections');
      await router.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      options.log('router stopped');
    })();
    return stopping;
  }
  return { router, stop };
}
