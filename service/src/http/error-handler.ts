import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ServiceError, type ServiceErrorKind } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { AppEnv } from './app-env.js';

const STATUS: Record<ServiceErrorKind, ContentfulStatusCode> = {
  bad_request: 400,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** An error as an HTTP answer: status, `{"error": "..."}` body and, for retryable 503s, `Retry-After`. */
export interface ErrorReply {
  status: ContentfulStatusCode;
  body: { error: string };
  retryAfter?: string;
}

/** The one place where errors become HTTP answers (used by the Hono app and the fast inference path). */
export function errorReply(error: unknown, requestId: string | undefined, logger: Logger): ErrorReply {
  if (error instanceof ServiceError) {
    const reply: ErrorReply = { status: STATUS[error.kind], body: { error: error.message } };
    if (error.retryAfterSeconds !== undefined && error.kind === 'unavailable') reply.retryAfter = String(error.retryAfterSeconds);
    return reply;
  }
  if (error instanceof HTTPException) return { status: error.status, body: { error: error.message || 'request failed' } };
  logger.error({ err: error, http: { request: { id: requestId } } }, 'unexpected error while serving a request');
  return { status: 500, body: { error: `internal error while serving this request (request id ${requestId}); see the server log` } };
}

/** Hono's `onError`: `errorReply` as a response. */
export function errorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context<AppEnv>): Response {
    const reply = errorReply(error, c.get('requestId'), logger);
    if (reply.retryAfter !== undefined) c.header('Retry-After', reply.retryAfter);
    return c.json(reply.body, reply.status);
  };
}
