/**
 * What both HTTP paths do with a request — the Hono app (middleware, routes) and the fast inference path beside
 * it (`fast-infer.ts`): authentication, the shutdown answer, the request id and its record, the inference body.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import { ServiceError, unavailable } from '../errors.js';
import { logRequest, type AccessLogEntry } from '../logging/access-log.js';
import { holdPrediction } from '../feedback/remember.js';
import type { ReadyModel } from '../models/model-registry.js';
import { parseBinaryInferRequest } from '../protocol/binary-request.js';
import { inferResponseBody, parseInferRequest, type InferResponseBody } from '../protocol/v2-infer.js';
import type { AppDeps } from './app-env.js';
import type { InferBody } from './infer-body.js';
import { observeInputs, observeOutputs } from './model-observations.js';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
const REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

/** The `WWW-Authenticate` challenge sent with every 401. */
export const AUTH_CHALLENGE = 'Bearer realm="keelson"';

/** Digest of a token; tokens are compared as digests, in constant time. */
export const tokenDigest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Throws 401 unless `header` is `Bearer <token>` with the expected token's digest. */
export function checkBearer(expected: Buffer, header: string | undefined): void {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match || !timingSafeEqual(tokenDigest(match[1]!.trim()), expected)) {
    throw new ServiceError('unauthorized', match ? 'Authorization: the bearer token is not valid' : 'Authorization: expected "Bearer <token>"; this server requires a token for model routes');
  }
}

/** The 503 a model request gets once shutdown has started. */
export const shuttingDown = (): ServiceError => unavailable('the server is shutting down; retry against another replica', 1);

/** The request id: the client's `X-Request-Id` when it is sane, otherwise a fresh UUID. */
export function requestIdFrom(offered: string | undefined): string {
  return offered && REQUEST_ID.test(offered) ? offered : randomUUID();
}

/** One finished request, as metrics and the access log see it. */
export interface FinishedRequest extends AccessLogEntry {
  model?: ReadyModel | undefined;
}

/** HTTP metrics, the inference outcome count and the access log line of one request (both HTTP paths). */
export function recordRequest(deps: Pick<AppDeps, 'metrics' | 'logger'>, request: FinishedRequest): void {
  const { metrics, logger } = deps;
  const { status, model, route } = request;
  const method = METHODS.has(request.method) ? request.method : 'other';
  const code = String(status);
  const http = metrics.http(method, route, code);
  http.requests.inc();
  http.duration.observe(request.durationNs / 1e9);
  if (model) metrics.model(model.name, model.version).outcome[status < 400 ? 'success' : status < 500 ? 'client_error' : 'server_error'].inc();
  logRequest(logger, request);
}

/** A JSON number takes at least two bytes ("0,"), so a body of N bytes never holds more than N/2 values. */
export const maxElementsFor = (bodyLimitBytes: number): number => Math.max(1, Math.floor(bodyLimitBytes / 2));

/** Validates an OIP request body (JSON or binary tensors), runs it and writes the response body (shared by Hono and the fast path). */
export async function inferResponse(deps: Pick<AppDeps, 'metrics' | 'inference' | 'feedback'>, model: ReadyModel, body: InferBody, maxElements: number, requestId?: string): Promise<InferResponseBody> {
  const signature = signatureOf(model);
  const request = body.kind === 'json'
    ? parseInferRequest(body.json, signature, maxElements)
    : parseBinaryInferRequest(body.bytes, body.headerLength, signature, maxElements);
  observeInputs(deps.metrics, model, request.inputs);
  const remember = holdPrediction(deps.feedback, model, requestId, request.inputs);
  const outputs = await deps.inference.infer(model, request.inputs);
  observeOutputs(deps.metrics, model, outputs);
  remember?.(outputs);
  return inferResponseBody(signature, request, outputs);
}

/** Response headers of a successful inference answer; the binary extension announces its JSON header's length. */
export function inferResponseHeaders(body: InferResponseBody): Record<string, string> {
  return body.kind === 'json'
    ? { 'content-type': 'application/json' }
    : { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(body.headerLength) };
}

/** The protocol view of a manifest. */
export function signatureOf(model: ReadyModel) {
  const { manifest } = model;
  return { name: model.name, version: model.version, inputs: manifest.inputs, outputs: manifest.outputs };
}
