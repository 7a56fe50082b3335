import type { IncomingMessage } from 'node:http';
import { ServiceError } from '../errors.js';
import { checkBodyHeaders, readIncomingBytes, readLimitedBytes } from './read-json.js';

/** An inference request body as read: parsed JSON, or the bytes of a binary tensor extension body. */
export type InferBody =
  | { kind: 'json'; json: unknown }
  | { kind: 'binary'; headerLength: string; bytes: Buffer };

/** The header that marks a binary tensor extension body (lower case, as node:http and Hono look headers up). */
export const HEADER_LENGTH = 'inference-header-content-length';

const BINARY_TYPE = /^application\/(octet-stream|([a-z0-9.+-]*\+)?json)\s*(;|$)/i;

/**
 * Reads a body sent with `Inference-Header-Content-Length` as bytes, from the Node request (or, in tests without
 * one, the WHATWG request): 415 for a declared type other than `application/octet-stream` or JSON, 413 as for JSON.
 */
export async function readBinaryBody(
  source: IncomingMessage | Request,
  headers: { contentType: string | undefined; contentLength: string | undefined; headerLength: string },
  limitBytes: number,
): Promise<InferBody> {
  if (headers.contentType !== undefined && !BINARY_TYPE.test(headers.contentType)) {
    throw new ServiceError('unsupported_media_type', `Content-Type: ${JSON.stringify(headers.contentType.slice(0, 100))} is not accepted with Inference-Header-Content-Length; send application/octet-stream`);
  }
  checkBodyHeaders(undefined, headers.contentLength, limitBytes);
  const bytes = source instanceof Request ? await readLimitedBytes(source, limitBytes) : await readIncomingBytes(source, limitBytes);
  return { kind: 'binary', headerLength: headers.headerLength, bytes };
}
