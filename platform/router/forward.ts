import http from 'node:http';
import type { Upstream } from './balancer.js';

/** Headers that describe one hop, not the message; never forwarded (RFC 9110 §7.6.1). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** Copies headers without the hop-by-hop ones. */
export function endToEndHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) out[name] = value;
  }
  return out;
}

/** A failure before the instance sent response headers: the request may be retried elsewhere if idempotent. */
export class ConnectFailure extends Error {
  constructor(
    readonly upstream: string,
    readonly code: string,
    /** The request went out on a kept-alive connection: a reset may only mean the instance had just closed it. */
    readonly reusedSocket: boolean,
  ) {
    super(`instance ${upstream} failed before answering: ${code}`);
    this.name = 'ConnectFailure';
  }

  /** The classic keep-alive race (RFC 9112 §9.3.1): the instance is fine, the idle connection was not. */
  get staleConnection(): boolean {
    return this.reusedSocket && (this.code === 'ECONNRESET' || this.code === 'EPIPE');
  }
}

/** The instance took longer than the router's upstream timeout: not retried (it may still be working). */
export class UpstreamTimeout extends Error {
  constructor(readonly upstream: string, readonly ms: number) {
    super(`instance ${upstream} did not answer within ${ms} ms`);
    this.name = 'UpstreamTimeout';
  }
}

export interface ForwardRequest {
  method: string;
  path: string;
  headers: http.OutgoingHttpHeaders;
  body: Buffer | null;
  timeoutMs: number;
  /** Aborted when the client goes away. */
  signal: AbortSignal;
}

/** Sends one attempt to one instance; resolves with the response once its headers arrive. */
export function forwardOnce(upstream: Upstream, agent: http.Agent, request: ForwardRequest): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const upstreamRequest = http.request(
      {
        host: upstream.host,
        port: upstream.port,
        method: request.method,
        path: request.path,
        headers: request.headers,
        agent,
        signal: request.signal,
      },
      resolve,
    );
    upstreamRequest.setTimeout(request.timeoutMs, () => {
      upstreamRequest.destroy(new UpstreamTimeout(upstream.name, request.timeoutMs));
    });
    upstreamRequest.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof UpstreamTimeout || error.name === 'AbortError') reject(error);
      else reject(new ConnectFailure(upstream.name, error.code ?? error.message, upstreamRequest.reusedSocket));
    });
    upstreamRequest.end(request.body ?? undefined);
  });
}
