import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/** How long, and how many bytes, a refused request's body is read and thrown away after its answer. */
export interface Lingering {
  ms: number;
  bytes: number;
}

export const LINGERING: Lingering = { ms: 5_000, bytes: 64 * 1024 * 1024 };

/**
 * Answers a request whose body will not be read (413), then closes the connection without losing the answer.
 *
 * Closing a socket while the client is still sending makes the kernel answer with a reset, and a reset
 * discards what the client has not read yet: often the 413 itself. So, like nginx's `lingering_close`, the
 * answer goes out at once with `Connection: close`, and the connection ends only once the client has sent its
 * body, or after `limits.ms` or `limits.bytes` of it; what arrives meanwhile is counted and dropped, never kept.
 */
export function replyThenLinger(request: IncomingMessage, response: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string, limits: Lingering = LINGERING): void {
  if (response.destroyed) return;
  response.shouldKeepAlive = false;
  response.writeHead(status, { ...headers, connection: 'close', 'content-length': Buffer.byteLength(body) });
  if (request.complete || request.destroyed) {
    response.end(body);
    return;
  }
  response.write(body);
  let discarded = 0;
  const finish = (): void => {
    clearTimeout(timer);
    request.off('data', discard);
    request.off('end', finish);
    request.off('close', finish);
    // Once the response ends, node:http drops whatever else comes and closes the socket.
    if (!response.writableEnded) response.end();
  };
  const discard = (chunk: Buffer): void => {
    discarded += chunk.length;
    if (discarded > limits.bytes) finish();
  };
  const timer = setTimeout(finish, limits.ms);
  request.on('data', discard);
  request.once('end', finish);
  request.once('close', finish);
  request.resume();
}
