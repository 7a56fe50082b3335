/**
 * Scenario 1b, keelson's HTTP plumbing without a model: the per-request work that the service does on its main thread
 * around inference, done with the service's own functions (the listener that tracks in-flight requests for the drain,
 * the request id, the in-flight gauge, Content-Type/Length checks, the body read and JSON parse, the HTTP metric
 * series, the ECS access-log line on stdout), answering the fixed OIP response of scenario 1. Between scenario 1 and
 * this is what node:http costs a real service; between this and scenario 2 is keelson's inference path (validation,
 * scheduling and batching, the worker round trip, the response text). Run as its own process:
 * `node --import tsx bench/servers/service-plumbing.ts`; prints `listening on URL`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorReply } from '../../service/src/http/error-handler.js';
import { recordRequest, requestIdFrom } from '../../service/src/http/request-handling.js';
import { checkBodyHeaders, parseJsonText, readIncoming } from '../../service/src/http/read-json.js';
import { INFER_ROUTES } from '../../contract/routes.js';
import { createLogger } from '../../service/src/logging/logger.js';
import { ServiceMetrics } from '../../service/src/metrics/service-metrics.js';
import { listen } from '../../service/src/server/http-listener.js';
import { FIXED_RESPONSE_TEXT } from './fixed-response.js';

const BODY_LIMIT = 4 * 1024 * 1024;
const deps = { metrics: new ServiceMetrics(), logger: createLogger({ level: 'info' }) };

async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const started = process.hrtime.bigint();
  const requestId = requestIdFrom(request.headers['x-request-id'] as string | undefined);
  const headers: Record<string, string | number> = { 'content-type': 'application/json' };
  let status = 200;
  let body = FIXED_RESPONSE_TEXT;
  deps.metrics.httpInFlight.inc();
  try {
    checkBodyHeaders(request.headers['content-type'], request.headers['content-length'], BODY_LIMIT);
    parseJsonText(await readIncoming(request, BODY_LIMIT));
  } catch (error) {
    const reply = errorReply(error, requestId, deps.logger);
    status = reply.status;
    body = JSON.stringify(reply.body);
  } finally {
    deps.metrics.httpInFlight.dec();
  }
  headers['content-length'] = Buffer.byteLength(body);
  headers['x-request-id'] = requestId;
  response.writeHead(status, headers).end(body);
  const path = request.url ?? '/';
  recordRequest(deps, { method: 'POST', path, route: INFER_ROUTES.v2InferVersion, status, durationNs: Number(process.hrtime.bigint() - started), requestId });
}

const READY = '{"ready":true}';
const listener = await listen((request, response) => {
  // GET is the bench's readiness check; every POST takes the full path.
  if (request.method !== 'GET') return serve(request, response);
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': READY.length }).end(READY);
  return undefined;
}, '127.0.0.1', 0);
console.log(`listening on ${listener.url}`);
process.once('SIGTERM', () => void listener.drain(1000).then(() => process.exit(0)));
