import type { IncomingMessage, ServerResponse } from 'node:http';
import { INFER_ROUTES, inferPathMatcher, type InferPath } from '../../../contract/routes.js';
import type { ReadyModel } from '../models/model-registry.js';
import type { AppDeps } from './app-env.js';
import { errorReply } from './error-handler.js';
import { replyThenLinger } from './lingering-close.js';
import { HEADER_LENGTH, readBinaryBody, type InferBody } from './infer-body.js';
import { checkBodyHeaders, parseJsonText, readIncoming } from './read-json.js';
import { AUTH_CHALLENGE, inferResponse, inferResponseHeaders, maxElementsFor, recordRequest, requestIdFrom, shuttingDown } from './request-handling.js';
import { tokenSetFor } from './middleware/token-set.js';

/** Plain model and version segments only; anything else (percent-encoding, dot segments) takes the Hono path. */
const matchInferPath = inferPathMatcher([INFER_ROUTES.v2Infer, INFER_ROUTES.v2InferVersion], '[A-Za-z0-9_-][A-Za-z0-9._-]*');

/** Handles the request when it is the hot route; false means "not mine" (the caller passes it to Hono). */
export type FastPath = (request: IncomingMessage, response: ServerResponse) => boolean;

/**
 * `POST /v2/models/{m}[/versions/{v}]/infer` straight on node:http, with exactly the Hono app's behaviour
 * (request id, draining guard, bearer auth, errors, metrics, access log: the same functions), minus the
 * per-request cost of WHATWG Request/Response objects, a router and a middleware chain, which on a
 * small model was most of the main thread's time. Every other route goes through `createApp`.
 */
export function createFastInfer(deps: AppDeps): FastPath {
  const { options } = deps;
  const tokens = tokenSetFor(options);
  const maxElements = maxElementsFor(options.bodyLimitBytes);

  async function serve(request: IncomingMessage, response: ServerResponse, path: string, { route, model: name, version }: InferPath): Promise<void> {
    const started = process.hrtime.bigint();
    const requestId = requestIdFrom(header(request, 'x-request-id'));
    let headers: Record<string, string | number> = { 'content-type': 'application/json' };
    let status = 200;
    let body: string | Buffer;
    let model: ReadyModel | undefined;
    deps.metrics.httpInFlight.inc();
    try {
      if (deps.isDraining()) {
        headers.connection = 'close';
        throw shuttingDown();
      }
      if (tokens) {
        try {
          tokens.check(header(request, 'authorization'));
        } catch (error) {
          headers['www-authenticate'] = AUTH_CHALLENGE;
          throw error;
        }
      }
      model = deps.models.findReady(name, version);
      const answer = await inferResponse(deps, model, await readBody(request), maxElements, requestId);
      headers = inferResponseHeaders(answer);
      body = answer.kind === 'json' ? answer.text : answer.body;
    } catch (error) {
      const reply = errorReply(error, requestId, deps.logger);
      status = reply.status;
      body = JSON.stringify(reply.body);
      if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
    } finally {
      deps.metrics.httpInFlight.dec();
    }
    headers['content-length'] = Buffer.byteLength(body);
    headers['x-request-id'] = requestId;
    // The rest of an oversized body is not worth reading, but closing at once would often lose the 413.
    if (status === 413 && typeof body === 'string') replyThenLinger(request, response, status, headers, body);
    else if (!response.destroyed) response.writeHead(status, headers).end(body);
    recordRequest(deps, {
      method: 'POST', path, route, status,
      durationNs: Number(process.hrtime.bigint() - started), requestId, model,
    });
  }

  async function readBody(request: IncomingMessage): Promise<InferBody> {
    const contentType = header(request, 'content-type');
    const contentLength = header(request, 'content-length');
    const headerLength = header(request, HEADER_LENGTH);
    if (headerLength !== undefined) return readBinaryBody(request, { contentType, contentLength, headerLength }, options.bodyLimitBytes);
    checkBodyHeaders(contentType, contentLength, options.bodyLimitBytes);
    return { kind: 'json', json: parseJsonText(await readIncoming(request, options.bodyLimitBytes)) };
  }

  return function fastInfer(request, response) {
    if (request.method !== 'POST') return false;
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    const match = matchInferPath(path);
    if (!match) return false;
    serve(request, response, path, match).catch((error: unknown) => {
      deps.logger.error({ err: error }, 'unexpected error after answering an inference request');
    });
    return true;
  };
}

/** A request header as one string (Node joins repeated ones, except a few which it keeps first). */
function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
