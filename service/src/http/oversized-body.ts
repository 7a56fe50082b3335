import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppDeps } from './app-env.js';
import { errorReply } from './error-handler.js';
import { replyThenLinger } from './lingering-close.js';
import { checkBodyHeaders } from './read-json.js';
import { recordRequest, requestIdFrom } from './request-handling.js';

/**
 * Answers 413 to a request that announces a body over `--body-limit`, before routing: no route takes more, and
 * answering before Hono reads anything lets the answer linger until the client has stopped sending. True when
 * it answered.
 */
export function refuseOversizedBody(deps: Pick<AppDeps, 'options' | 'metrics' | 'logger'>, request: IncomingMessage, response: ServerResponse): boolean {
  const announced = request.headers['content-length'];
  if (announced === undefined || Number(announced) <= deps.options.bodyLimitBytes) return false;
  const started = process.hrtime.bigint();
  const requestId = requestIdFrom(request.headers['x-request-id'] as string | undefined);
  let status = 413;
  try {
    checkBodyHeaders(undefined, announced, deps.options.bodyLimitBytes);
    return false;
  } catch (error) {
    const reply = errorReply(error, requestId, deps.logger);
    status = reply.status;
    replyThenLinger(request, response, status, { 'content-type': 'application/json', 'x-request-id': requestId }, JSON.stringify(reply.body));
  }
  const path = (request.url ?? '').split('?', 1)[0] ?? '';
  recordRequest(deps, { method: request.method ?? 'GET', path, route: 'body_too_large', status, durationNs: Number(process.hrtime.bigint() - started), requestId });
  return true;
}
