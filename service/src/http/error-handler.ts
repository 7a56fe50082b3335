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
  payload_too_large: 413,
  unsupported_media_type: 415,
  unavailable: 503,
  timeout: 504,
  internal: 500,
};

/** The one place where errors become HTTP responses: `{"error": "..."}` with the matching status. */
export function errorHandler(logger: Logger) {
  return function handleError(error: Error, c: Context<AppEnv>): Response {
    if (error instanceof ServiceError) {
      if (error.retryAfterSeconds !== undefined && error.kind === 'unavailable') c.header('Retry-After', String(error.retryAfterSeconds));
      return c.json({ error: error.message }, STATUS[error.kind]);
    }
    if (error instanceof HTTPException) return c.json({ error: error.message || 'request failed' }, error.status);
    logger.error({ err: error, http: { request: { id: c.get('requestId') } } }, 'unexpected error while serving a request');
    return c.json({ error: `internal error while serving this request (request id ${c.get('requestId')}); see the server log` }, 500);
  };
}
