import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gracefulDrain } from '../../service/src/server/graceful-drain.js';
import { checkHttpTimeouts, HTTP_TIMEOUTS, serverTimeoutOptions, type HttpTimeouts } from '../../service/src/server/http-timeouts.js';
import { ALL_STABLE, type Weights } from '../../contract/variants.js';
import { Balancer, type Upstream } from './balancer.js';
import { UpstreamConnections } from './connections.js';
import { DEFAULT_PREDICTION_ORIGINS, PredictionOrigins } from './feedback-pinning.js';
import { createRequestHandler } from './handler.js';
import { createRouterMetrics, type RouterMetrics } from './metrics.js';

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
  /** How long a client may take to send a request; keep-alive defaults to 65 s (longer than clients' pools). */
  httpTimeouts?: Partial<HttpTimeouts>;
  metrics?: RouterMetrics;
  /** Request ids remembered with the instance that answered them, for feedback pinning (default 100,000; 0 = off). */
  predictionOrigins?: number;
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
  const metrics = options.metrics ?? createRouterMetrics();
  const balancer = new Balancer();
  const connections = new UpstreamConnections();
  let currentWeights: Weights = { ...ALL_STABLE };
  const handler = createRequestHandler({
    balancer,
    connections,
    metrics,
    maxBodyBytes: options.maxBodyBytes ?? 8 * 1024 * 1024,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 30_000,
    ejectMs: options.ejectMs ?? 2_000,
    maxAttempts: options.maxAttempts ?? 3,
    origins: new PredictionOrigins(options.predictionOrigins ?? DEFAULT_PREDICTION_ORIGINS),
  });

  const timeouts = checkHttpTimeouts({ ...HTTP_TIMEOUTS, keepAliveMs: 65_000, ...options.httpTimeouts });
  const server = http.createServer(serverTimeoutOptions(timeouts), handler);
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
      connections.keepOnly(new Set(upstreams.map((u) => u.name)));
    },
    weights: () => ({ ...currentWeights }),
    inFlight: (name) => connections.inFlight(name),
    close(timeoutMs = options.drainTimeoutMs ?? 10_000) {
      // Requests received keep being forwarded during the drain; the instance connections go only after it.
      closing ??= drainer.drain(timeoutMs).then(() => connections.closeAll());
      return closing;
    },
  };
}
