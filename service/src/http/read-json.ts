import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { ServiceError, badRequest } from '../errors.js';
import type { AppEnv } from './app-env.js';

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * Reads a JSON request body: 415 for a declared non-JSON content type (none declared is taken as JSON),
 * 413 beyond `limitBytes` (checked on Content-Length and while streaming), 400 for invalid JSON.
 */
export async function readJsonBody(c: Context<AppEnv>, limitBytes: number): Promise<unknown> {
  checkBodyHeaders(c.req.header('content-type'), c.req.header('content-length'), limitBytes);
  // Under @hono/node-server the Node request is at hand: reading it directly skips building a WHATWG
  // Request, ReadableStream and AbortSignal per request (a large share of the main thread's time).
  const incoming = c.env?.incoming;
  return parseJsonText(incoming ? await readIncoming(incoming, limitBytes) : await readLimited(c.req.raw, limitBytes));
}

/** 415 for a declared content type that is not JSON, 413 for a declared length over the limit. */
export function checkBodyHeaders(contentType: string | undefined, contentLength: string | undefined, limitBytes: number): void {
  if (contentType !== undefined && !JSON_TYPE.test(contentType)) {
    throw new ServiceError('unsupported_media_type', `Content-Type: ${JSON.stringify(contentType.slice(0, 100))} is not accepted; send application/json`);
  }
  const declared = Number(contentLength);
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(`${declared} bytes`, limitBytes);
}

/** Parses a request body; 400 when empty or not JSON. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (text.trim() === '') throw badRequest('request body: empty; expected a JSON object');
    throw badRequest(`request body: not valid JSON (${(error as Error).message.slice(0, 120)})`);
  }
}

/** Reads a Node request body as UTF-8 text; 413 once it exceeds `limitBytes` (the rest is discarded). */
export function readIncoming(incoming: IncomingMessage, limitBytes: number): Promise<string> {
  return readNodeBody(incoming, limitBytes, true) as Promise<string>;
}

/** Reads a Node request body as bytes (binary tensor bodies); 413 once it exceeds `limitBytes`. */
export function readIncomingBytes(incoming: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return readNodeBody(incoming, limitBytes, false) as Promise<Buffer>;
}

function readNodeBody(incoming: IncomingMessage, limitBytes: number, text: boolean): Promise<string | Buffer> {
  if (incoming.readableEnded) return Promise.resolve(text ? '' : Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    // A small body usually arrives in the packet that carried the headers: node:http emits 'request' before
    // parsing it, and a microtask later the parser has buffered all of it (`complete`). Then one `read()`
    // takes it, without switching the stream to flowing mode and four listeners per request.
    queueMicrotask(() => {
      if (incoming.complete && !incoming.readableFlowing && !incoming.destroyed) {
        const body = incoming.read() as Buffer | null;
        if (body && body.length > limitBytes) reject(tooLarge(`more than ${limitBytes} bytes`, limitBytes));
        else resolve(text ? (body ? decodeBody([body], body.length) : '') : (body ?? Buffer.alloc(0)));
        return;
      }
      (incoming as ReadingMessage)[READER] = new BodyReader(limitBytes, text, resolve, reject);
      incoming.on('data', onBodyData);
      incoming.on('end', onBodyEnd);
      incoming.on('error', onBodyError);
      incoming.on('close', onBodyClose);
    });
  });
}

/** UTF-8 text of the body's chunks, without a byte order mark (as TextDecoder). */
function decodeBody(chunks: Buffer[], size: number): string {
  const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/*
 * The body of every request is read with the same four listener functions (they find their reader on the
 * message) instead of four fresh closures per request: this runs once per inference request on the thread
 * that serves HTTP. A settled reader ignores later events, so the listeners need not be removed.
 */
const READER = Symbol('keelson.bodyReader');
type ReadingMessage = IncomingMessage & { [READER]: BodyReader };

class BodyReader {
  chunks: Buffer[] = [];
  size = 0;
  settled = false;
  constructor(
    readonly limitBytes: number,
    readonly text: boolean,
    readonly resolve: (body: string | Buffer) => void,
    readonly reject: (error: Error) => void,
  ) {}

  fail(error: Error): void {
    this.settled = true;
    this.chunks = [];
    this.reject(error);
  }
}

function onBodyData(this: ReadingMessage, chunk: Buffer): void {
  const reader = this[READER];
  if (reader.settled) return;
  reader.size += chunk.length;
  if (reader.size > reader.limitBytes) {
    this.resume(); // discard the rest; the connection is closed after the 413
    reader.fail(tooLarge(`more than ${reader.limitBytes} bytes`, reader.limitBytes));
    return;
  }
  reader.chunks.push(chunk);
}

function onBodyEnd(this: ReadingMessage): void {
  const reader = this[READER];
  if (reader.settled) return;
  reader.settled = true;
  reader.resolve(reader.text ? decodeBody(reader.chunks, reader.size) : Buffer.concat(reader.chunks, reader.size));
}

function onBodyError(this: ReadingMessage, error: Error): void {
  const reader = this[READER];
  if (!reader.settled) reader.fail(badRequest(`request body: could not be read (${error.message.slice(0, 120)})`));
}

function onBodyClose(this: ReadingMessage): void {
  const reader = this[READER];
  if (!reader.settled && !this.readableEnded) reader.fail(badRequest('request body: the client closed the connection before sending all of it'));
}

async function readLimited(request: Request, limitBytes: number): Promise<string> {
  const bytes = await readLimitedBytes(request, limitBytes);
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Reads a WHATWG request body (`app.request()` in tests); 413 beyond `limitBytes`. */
export async function readLimitedBytes(request: Request, limitBytes: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(`more than ${limitBytes} bytes`, limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

function tooLarge(actual: string, limitBytes: number): ServiceError {
  return new ServiceError('payload_too_large', `request body: ${actual} exceeds the limit of ${limitBytes} bytes (--body-limit)`);
}
