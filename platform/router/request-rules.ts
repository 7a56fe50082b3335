import type http from 'node:http';
import { inferPathMatcher } from '../../contract/routes.js';

// Inference is a pure function of the model and the input, so these may be sent twice.
const matchInferPath = inferPathMatcher();
const VERSION_IN_PATH = /^\/v[12]\/models\/[^/]+\/versions\/([^/:?]+)/;

/** The model version a request path names (`/v2/models/m/versions/2/infer` → `2`), if any. */
export function pinnedVersion(path: string): string | undefined {
  return VERSION_IN_PATH.exec(path)?.[1];
}

/**
 * Buffers the request body (needed to retry it elsewhere); null when there is none; 'too-large' as soon as it
 * passes `maxBytes` (the caller answers, and drops the rest).
 */
export function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer | null | 'too-large'> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      chunks = [];
      req.off('data', onData);
      resolve('too-large');
    };
    req.on('data', onData);
    req.on('end', () => resolve(size > maxBytes ? 'too-large' : chunks.length === 0 ? null : chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Whether a request is an inference (`POST` to an infer or predict route). */
export function isInferRequest(method: string, path: string): boolean {
  return method === 'POST' && matchInferPath(path.split('?', 1)[0] ?? '') !== null;
}

/** Whether a request may be sent twice (retried on another instance). */
export function isIdempotent(method: string, path: string): boolean {
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return true;
  return isInferRequest(method, path);
}
