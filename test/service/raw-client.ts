import { connect, type Socket } from 'node:net';

/** What a raw client saw: the bytes it read, and how the connection ended. */
export interface RawOutcome {
  text: string;
  /** 'closed': a FIN; 'reset': ECONNRESET or EPIPE; 'open': still open when the wait ended. */
  ended: 'closed' | 'reset' | 'open';
  ms: number;
}

const open = (url: string): Promise<Socket> => {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket));
    socket.once('error', reject);
  });
};

/** True once `text` holds a whole HTTP response (headers and `Content-Length` bytes of body). */
export function completeResponse(text: string): boolean {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, end))?.[1];
  return length !== undefined && Buffer.byteLength(text.slice(end + 4)) >= Number(length);
}

/**
 * Announces a body of `announcedBytes` and writes it at full speed (waiting only on backpressure) until a whole
 * response has arrived or the connection ends: a hostile or careless client that does not wait for `100-continue`.
 */
export async function sendOversized(url: string, path: string, announcedBytes: number, framing: 'length' | 'chunked' = 'length'): Promise<RawOutcome> {
  const socket = await open(url);
  const started = Date.now();
  let text = '';
  let ended: RawOutcome['ended'] | undefined;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  const done = new Promise<void>((resolve) => {
    socket.on('error', (error: NodeJS.ErrnoException) => ((ended ??= error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'closed'), resolve()));
    socket.on('close', () => ((ended ??= 'closed'), resolve()));
  });
  const framingHeader = framing === 'length' ? `Content-Length: ${announcedBytes}` : 'Transfer-Encoding: chunked';
  socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${framingHeader}\r\n\r\n`);
  const spaces = Buffer.alloc(64 * 1024, 0x20);
  const chunk = framing === 'length' ? spaces : Buffer.concat([Buffer.from(`${spaces.length.toString(16)}\r\n`), spaces, Buffer.from('\r\n')]);
  for (let sent = 0; sent < announcedBytes && ended === undefined && !completeResponse(text); sent += chunk.length) {
    if (!socket.write(chunk)) await new Promise<void>((resolve) => (socket.once('drain', resolve), socket.once('close', resolve)));
  }
  if (ended === undefined) {
    if (!completeResponse(text)) await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
    socket.destroy();
  }
  return { text, ended: ended ?? 'open', ms: Date.now() - started };
}

/** Writes `head` then one byte of `drip` every `everyMs`, until the server ends the connection or `maxMs` passes. */
export async function drip(url: string, head: string, dripText: string, everyMs: number, maxMs: number): Promise<RawOutcome> {
  const socket = await open(url);
  const started = Date.now();
  let text = '';
  let ended: RawOutcome['ended'] | undefined;
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  socket.on('error', (error: NodeJS.ErrnoException) => (ended ??= error.code === 'ECONNRESET' || error.code === 'EPIPE' ? 'reset' : 'closed'));
  socket.on('close', () => (ended ??= 'closed'));
  socket.write(head);
  for (let i = 0; ended === undefined && Date.now() - started < maxMs; i++) {
    await new Promise((r) => setTimeout(r, everyMs));
    if (ended === undefined && !socket.destroyed) socket.write(dripText[i % dripText.length]!);
  }
  const ms = Date.now() - started;
  socket.destroy();
  return { text, ended: ended ?? 'open', ms };
}

/** Sends raw bytes and returns what came back before the server closed (or `maxMs`). */
export async function rawExchange(url: string, request: string, maxMs = 5_000): Promise<RawOutcome> {
  const socket = await open(url);
  const started = Date.now();
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
  const ended = await new Promise<RawOutcome['ended']>((resolve) => {
    socket.on('error', () => resolve('reset'));
    socket.on('close', () => resolve('closed'));
    socket.on('data', () => completeResponse(text) && resolve('open'));
    setTimeout(() => resolve('open'), maxMs);
    socket.write(request);
  });
  socket.destroy();
  return { text, ended, ms: Date.now() - started };
}
