import type http from 'node:http';
import type { Variant } from '../../contract/variants.js';
import { afterFailure, classifyFailure, exhaustedStatus, failureReason, nextUpstream } from './attempts.js';
import type { Balancer, Upstream } from './balancer.js';
import type { UpstreamConnections } from './connections.js';
import { feedbackInstance, INSTANCE_HEADER, isFeedbackRequest, type PredictionOrigins } from './feedback-pinning.js';
import { endToEndHeaders, forwardOnce } from './forward.js';
import type { RouterMetrics } from './metrics.js';
import { isIdempotent, isInferRequest, pinnedVersion, readBody } from './request-rules.js';
import { replyThenLinger } from '../../service/src/http/lingering-close.js';

export interface RequestHandlerOptions {
  balancer: Balancer;
  connections: UpstreamConnections;
  metrics: RouterMetrics;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  ejectMs: number;
  maxAttempts: number;
  /** Which instance answered which request id, so feedback reaches the instance that holds the prediction. */
  origins: PredictionOrigins;
}

/** The router's request listener: `GET /metrics`, or forward to an instance, retrying as `attempts.ts` decides. */
export function createRequestHandler(options: RequestHandlerOptions): http.RequestListener {
  const { balancer, connections, metrics, origins } = options;
  const ejectedUntil = new Map<string, number>();
  /** The balancer's pick, trying `preferred` first when it is in the pool, not excluded, and of the pinned version. */
  const pickPreferring = (preferred: string | undefined) => (exclude: ReadonlySet<string>, version: string | undefined) => {
    if (preferred !== undefined && !exclude.has(preferred)) {
      const named = balancer.list().find((u) => u.name === preferred && (version === undefined || u.version === version));
      if (named) return named;
    }
    return balancer.pick(exclude, version);
  };

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    if (method === 'GET' && path === '/metrics') {
      res.writeHead(200, { 'content-type': metrics.registry.contentType });
      res.end(await metrics.registry.metrics());
      return;
    }
    const body = Number(req.headers['content-length']) > options.maxBodyBytes ? 'too-large' : await readBody(req, options.maxBodyBytes);
    if (body === 'too-large') return refuseBody(req, res);
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
    const pick = pickPreferring(isFeedbackRequest(method, path) ? feedbackInstance(req.headers, body, origins) : undefined);
    const inference = isInferRequest(method, path);
    const tried = new Set<string>();
    let lastError = 'no instance is ready';
    for (let attempt = 0; attempt < options.maxAttempts; attempt++) {
      const upstream = nextUpstream(pick, tried, ejectedUntil, Date.now(), version);
      if (!upstream) break;
      tried.add(upstream.name);
      const done = begin(upstream);
      let upstreamRes: http.IncomingMessage;
      try {
        upstreamRes = await forwardOnce(upstream, connections.agentFor(upstream.name), { method, path, headers, body, timeoutMs: options.upstreamTimeoutMs, signal: abort.signal });
      } catch (error) {
        done();
        if (abort.signal.aborted) return;
        const failure = classifyFailure(error);
        metrics.upstreamFailures.inc({ variant: upstream.role, reason: failureReason(failure) });
        const next = afterFailure(failure, upstream, { retryable, now: Date.now(), ejectMs: options.ejectMs });
        if (next.kind === 'answer') return reply(res, next.status, next.error, next.variant);
        lastError = next.error;
        metrics.retries.inc({ variant: upstream.role });
        if (next.kind === 'retry-fresh-connection') tried.delete(upstream.name);
        else ejectedUntil.set(upstream.name, next.ejectUntil);
        continue;
      }
      ejectedUntil.delete(upstream.name);
      const requestId = upstreamRes.headers['x-request-id'];
      if (inference && (upstreamRes.statusCode ?? 500) < 300 && typeof requestId === 'string') origins.remember(requestId, upstream.name);
      await relay(upstreamRes, res, upstream, done);
      metrics.requests.inc({ variant: upstream.role, code: String(upstreamRes.statusCode ?? 502) });
      metrics.answered[upstream.role] += 1;
      metrics.duration.observe({ variant: upstream.role }, Number(process.hrtime.bigint() - started) / 1e9);
      return;
    }
    reply(res, exhaustedStatus(tried), lastError);
  }

  /** Counts a request to `upstream` as in flight; the function returned ends it. */
  function begin(upstream: Upstream): () => void {
    const end = connections.begin(upstream.name);
    metrics.inFlight.inc({ variant: upstream.role });
    return () => {
      end();
      metrics.inFlight.dec({ variant: upstream.role });
    };
  }

  /** Streams the instance's response to the client; settles when the client's response closes. */
  function relay(upstreamRes: http.IncomingMessage, res: http.ServerResponse, upstream: Upstream, done: () => void): Promise<void> {
    const outHeaders = endToEndHeaders(upstreamRes.headers);
    outHeaders['x-keelson-variant'] = upstream.role;
    outHeaders[INSTANCE_HEADER] = upstream.name;
    res.writeHead(upstreamRes.statusCode ?? 502, outHeaders);
    upstreamRes.pipe(res);
    return new Promise<void>((resolve) => {
      let settled = false;
      const finish = (): void => {
        if (settled) return;
        settled = true;
        done();
        resolve();
      };
      upstreamRes.on('error', () => {
        // The instance died mid-response: the client sees a broken response, as with any proxy.
        metrics.upstreamFailures.inc({ variant: upstream.role, reason: 'response-aborted' });
        res.destroy();
        finish();
      });
      res.on('close', finish);
    });
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

  /** 413 without losing it: the rest of the body is read and dropped for a while (see lingering-close.ts). */
  function refuseBody(req: http.IncomingMessage, res: http.ServerResponse): void {
    const error = `request body: more than ${options.maxBodyBytes} bytes (${req.headers['content-length'] ?? 'chunked'} sent); the router buffers at most that to retry it`;
    replyThenLinger(req, res, 413, { 'content-type': 'application/json', 'x-keelson-variant': 'none' }, JSON.stringify({ error }));
    metrics.requests.inc({ variant: 'none', code: '413' });
  }

  return (req, res) => {
    handle(req, res).catch((error: unknown) => reply(res, 500, `router error: ${String(error)}`));
  };
}
