import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gracefulDrain } from '../../service/src/server/graceful-drain.js';
import { ALL_STABLE, type Variant, type Weights } from '../state.js';
import { Balancer, type Upstream } from './balancer.js';
import { ConnectFailure, endToEndHeaders, forwardOnce, UpstreamTimeout } from './forward.js';
import { createRouterMetrics, type RouterMetrics } from './metrics.js';
import { isIdempotent, pinnedVersion, readBody } from './request-rules.js';

export interface RouterOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Largest request body buffered for retries. */
  maxBodyBytes?: number;
  upstreamTimeoutMs?: number;
  /** How long an instance whose connection failed is skipped. */
  ejectMs?: number;
  /** Attempts per request, the first included. */
  maxAttempts?: number;
  /** How long `close()` waits for requests already received before cutting them. Default 10 s. */
  drainTimeoutMs?: number;
  metrics?: RouterMetrics;
}

/** The weighted router: the local stand-in for the cluster's Gateway. */
export interface Router {
  url: string;
  port: number;
  metrics: RouterMetrics;
  /** Replaces the instances and weights at once (a single synchronous swap: no request sees half of it). */
  setPool(upstreams: readonly Upstream[], weights: Weights): void;
  weights(): Weights;
  /** Requests currently forwarded to one instance (used to drain before stopping it). */
  inFlight(instance: string): number;
  /** Stops accepting and answers every request already received (with `Connection: close`) within `timeoutMs` (default `drainTimeoutMs`), then drops the instance connections. Idempotent. */
  close(timeoutMs?: number): Promise<void>;
}

/** Starts the router; resolves once it listens. */
export async function startRouter(options: RouterOptions = {}): Promise<Router> {
  const maxBodyBytes = options.maxBodyBytes ?? 8 * 1024 * 1024;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const ejectMs = options.ejectMs ?? 2_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const metrics = options.metrics ?? createRouterMetrics();
  const balancer = new Balancer();
  const agents = new Map<string, http.Agent>();
  const inFlight = new Map<string, number>();
  const ejectedUntil = new Map<string, number>();
  let currentWeights: Weights = { ...ALL_STABLE };

  function agentFor(name: string): http.Agent {
    let agent = agents.get(name);
    if (!agent) {
      // `timeout` lets Node honour the instance's `Keep-Alive: timeout=N` hint (idle sockets closed 1 s early).
      agent = new http.Agent({ keepAlive: true, maxSockets: 256, keepAliveMsecs: 1_000, timeout: 60_000 });
      agents.set(name, agent);
    }
    return agent;
  }

  function pick(tried: Set<string>, version: string | undefined): Upstream | undefined {
    const now = Date.now();
    const skip = new Set(tried);
    for (const [name, until] of ejectedUntil) if (until > now) skip.add(name);
    return balancer.pick(skip, version) ?? balancer.pick(tried, version);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if (method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === 'too-large') return reply(res, 413, `request body over ${maxBodyBytes} bytes`);
    const headers = endToEndHeaders(req.headers);
    if (body) headers['content-length'] = String(body.length);
    else if (method !== 'GET' && method !== 'HEAD') headers['content-length'] = '0';
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const retryable = isIdempotent(method, path);
    const version = pinnedVersion(path);
    const tried = new Set<string>();
    let lastError = 'no instance is ready';
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      const upstream = pick(tried, version);
      if (!upstream) break;
      tried.add(upstream.name);
      const variant = upstream.role;
      inFlight.set(upstream.name, (inFlight.get(upstream.name) ?? 0) + 1);
      metrics.inFlight.inc({ variant });
      const done = (): void => {
        inFlight.set(upstream.name, (inFlight.get(upstream.name) ?? 1) - 1);
        metrics.inFlight.dec({ variant });
      };
      let upstreamRes: http.IncomingMessage;
      try {
        upstreamRes = await forwardOnce(upstream, agentFor(upstream.name), {
          method,
          path,
          headers,
          body,
          timeoutMs: upstreamTimeoutMs,
          signal: abort.signal,
        });
      } catch (error) {
        done();
        if (abort.signal.aborted) return;
        if (error instanceof UpstreamTimeout) {
          metrics.upstreamFailures.inc({ variant, reason: 'timeout' });
          return reply(res, 504, error.message, variant);
        }
        const code = error instanceof ConnectFailure ? error.code : String(error);
        metrics.upstreamFailures.inc({ variant, reason: code });
        lastError = `instance ${upstream.name} (${variant}) failed: ${code}`;
        if (!retryable) break;
        metrics.retries.inc({ variant });
        // A stale kept-alive connection says nothing about the instance: try it again on a fresh one.
        if (error instanceof ConnectFailure && error.staleConnection) tried.delete(upstream.name);
        else ejectedUntil.set(upstream.name, Date.now() + ejectMs);
        continue;
      }
      ejectedUntil.delete(upstream.name);
      const outHeaders = endToEndHeaders(upstreamRes.headers);
      outHeaders['x-keelson-variant'] = variant;
      outHeaders['x-keelson-instance'] = upstream.name;
      res.writeHead(upstreamRes.statusCode ?? 502, outHeaders);
      upstreamRes.pipe(res);
      await new Promise<void>((resolve) => {
        let settled = false;
        const finish = (): void => {
          if (settled) return;
          settled = true;
          done();
          resolve();
        };
        upstreamRes.on('error', () => {
          // The instance died mid-response: the client sees a broken response, as with any proxy.
          metrics.upstreamFailures.inc({ variant, reason: 'response-aborted' });
          res.destroy();
          finish();
        });
        res.on('close', finish);
      });
      const code = String(upstreamRes.statusCode ?? 502);
      metrics.requests.inc({ variant, code });
      metrics.answered[variant] += 1;
      metrics.duration.observe({ variant }, Number(process.hrtime.bigint() - started) / 1e9);
      return;
    }
    reply(res, tried.size === 0 ? 503 : 502, lastError);
  }

  function reply(res: http.ServerResponse, status: number, error: string, variant: Variant | 'none' = 'none'): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'x-keelson-variant': variant });
    res.end(JSON.stringify({ error }));
    metrics.requests.inc({ variant, code: String(status) });
  }

  const server = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, `router error: ${String(error)}`));
  });
  const drainer = gracefulDrain(server);
  let closing: Promise<void> | undefined;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    metrics,
    setPool(upstreams, weights) {
      balancer.update(upstreams, weights);
      currentWeights = { ...weights };
      metrics.setWeights(weights);
      const names = new Set(upstreams.map((u) => u.name));
      for (const [name, agent] of agents) {
        if (!names.has(name) && !(inFlight.get(name) ?? 0)) {
          agent.destroy();
          agents.delete(name);
        }
      }
    },
    weights: () => ({ ...currentWeights }),
    inFlight: (name) => inFlight.get(name) ?? 0,
    close(timeoutMs = options.drainTimeoutMs ?? 10_000) {
      // Requests received keep being forwarded during the drain; the instance connections go only after it.
      closing ??= drainer.drain(timeoutMs).then(() => {
        for (const agent of agents.values()) agent.destroy();
      });
      return closing;
    },
  };
}
