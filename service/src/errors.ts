/**
 * Typed errors of the inference service. Domain code throws them; `http/error-handler.ts` is the one
 * place that maps them to HTTP statuses.
 */

/** What went wrong, from the client's point of view; decides the HTTP status. */
export type ServiceErrorKind =
  | 'bad_request' // 400
  | 'unauthorized' // 401
  | 'not_found' // 404
  | 'conflict' // 409: e.g. a second label for one prediction
  | 'gone' // 410: e.g. a prediction too old to take a label
  | 'payload_too_large' // 413
  | 'unsupported_media_type' // 415
  | 'unavailable' // 503: not ready, shutting down, queue full, worker crashed
  | 'timeout' // 504: the model did not answer within the request timeout
  | 'internal'; // 500

/** An error whose message is safe and useful to show to the client. */
export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    message: string,
    /** Seconds a client should wait before retrying (503 only). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** 400: the request is malformed; the message names the field, the value and what was expected. */
export const badRequest = (message: string): ServiceError => new ServiceError('bad_request', message);
/** 404: no such model or version. */
export const notFound = (message: string): ServiceError => new ServiceError('not_found', message);
/** 409: the request contradicts what the server already holds. */
export const conflict = (message: string): ServiceError => new ServiceError('conflict', message);
/** 410: the resource existed but is no longer available. */
export const gone = (message: string): ServiceError => new ServiceError('gone', message);
/** 503: temporarily unable to serve; the client may retry. */
export const unavailable = (message: string, retryAfterSeconds = 1): ServiceError =>
  new ServiceError('unavailable', message, retryAfterSeconds);

/** Describes a client-supplied value for an error message, bounded so a huge value never becomes a huge response. */
export function describeValue(value: unknown, maxLength = 60): string {
  let text: string;
  if (Array.isArray(value)) text = `an array of ${value.length} element${value.length === 1 ? '' : 's'}`;
  else if (value === null) text = 'null';
  else if (typeof value === 'object') text = `an object with keys [${Object.keys(value).slice(0, 8).join(', ')}]`;
  else if (typeof value === 'string') text = JSON.stringify(value.length > maxLength ? value.slice(0, maxLength) : value);
  else text = String(value);
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

/** A start-up configuration problem (bad flag, missing directory); the CLI prints it and exits 2. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
