import { connect, type Socket } from 'node:net';

/** One HTTP/1.1 response as it came off the wire (header names lower-cased). */
export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  /** The connection had carried earlier requests (the client reused it). */
  reused: boolean;
}

/** A request written on a connection the server had not closed, that got no complete response. */
export interface LostRequest {
  error: string;
  reused: boolean;
}

/** What a keep-alive load saw, from the clients' side. */
export interface LoadReport {
  responses: WireResponse[];
  lost: LostRequest[];
  /** Connections refused (the server stopped listening): nothing was written, so nothing was lost. */
  refused: number;
  /** Connections the server closed without saying `connection: close` on their last response. */
  closedAfterKeepAlive: number;
}

export interface LoadOptions {
  url: string;
  clients: number;
  /** The raw request a client sends (a full HTTP/1.1 message; keep-alive is HTTP/1.1's default). */
  request: (client: number) => string;
  /** Clients stop once this settles (they also stop when a connection is refused). */
  until: Promise<unknown>;
}

/**
 * Drives `clients` persistent connections, each sending its request back to back, the way a pooling client
 * does, and records every outcome. A client never writes on a connection it saw the server close (FIN), and
 * leaves a connection after a `connection: close` response, so a request that gets no response was lost by
 * the server, not by the client.
 */
export async function keepAliveLoad(options: LoadOptions): Promise<LoadReport> {
  const { hostname, port } = new URL(options.url);
  const report: LoadReport = { responses: [], lost: [], refused: 0, closedAfterKeepAlive: 0 };
  let stopped = false;
  void options.until.finally(() => (stopped = true));

  async function client(index: number): Promise<void> {
    while (!stopped) {
      const connection = await openConnection(hostname, Number(port)).catch((error: NodeJS.ErrnoException) => error);
      if (connection instanceof Error) {
        if (connection.code === 'ECONNREFUSED') report.refused += 1;
        else report.lost.push({ error: `connect: ${connection.code ?? connection.message}`, reused: false });
        return;
      }
      let reused = false;
      let lastSaidClose = false;
      while (!stopped && !connection.closedByServer()) {
        const outcome = await connection.exchange(options.request(index));
        if (typeof outcome === 'string') {
          report.lost.push({ error: outcome, reused });
          break;
        }
        report.responses.push({ ...outcome, reused });
        reused = true;
        lastSaidClose = outcome.headers.connection?.toLowerCase() === 'close';
        if (lastSaidClose) break;
      }
      if (connection.closedByServer() && !lastSaidClose && reused) report.closedAfterKeepAlive += 1;
      connection.socket.destroy();
    }
  }

  await Promise.all(Array.from({ length: options.clients }, (_, i) => client(i)));
  return report;
}

/** One client connection, used one request at a time. */
export interface Connection {
  socket: Socket;
  /** The server sent FIN or the socket closed: nothing more may be written. */
  closedByServer(): boolean;
  /**
   * Writes one request and resolves with its response, or with why none came. With `hold`, its last
   * `bytes` are written only once `until` settles (a request the server is still receiving).
   */
  exchange(request: string, hold?: { bytes: number; until: Promise<unknown> }): Promise<Omit<WireResponse, 'reused'> | string>;
}

/** Connects to `host:port`; rejects when the connection is refused. */
export function openConnection(host: string, port: number): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, noDelay: true });
    let ended = false;
    let buffer = Buffer.alloc(0);
    let waiting: ((outcome: Omit<WireResponse, 'reused'> | string) => void) | undefined;
    const settle = (outcome: Omit<WireResponse, 'reused'> | string): void => {
      const done = waiting;
      waiting = undefined;
      done?.(outcome);
    };
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      const parsed = parseResponse(buffer);
      if (!parsed) return;
      buffer = buffer.subarray(parsed.length);
      settle(parsed.response);
    });
    socket.on('end', () => {
      ended = true;
      settle(`EOF before a complete response (${buffer.length} bytes received)`);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      ended = true;
      if (waiting) settle(error.code ?? error.message);
      else reject(error);
    });
    socket.on('close', () => {
      ended = true;
      settle('closed before a complete response');
    });
    socket.once('connect', () =>
      resolve({
        socket,
        closedByServer: () => ended,
        exchange: (request, hold) =>
          new Promise((done) => {
            waiting = done;
            if (!hold) return void socket.write(request);
            const cut = request.length - hold.bytes;
            socket.write(request.slice(0, cut));
            void hold.until.finally(() => socket.write(request.slice(cut)));
          }),
      }),
    );
  });
}

/** Parses one response (Content-Length or chunked body) from the front of `data`; undefined until it is complete. */
function parseResponse(data: Buffer): { response: Omit<WireResponse, 'reused'>; length: number } | undefined {
  const headEnd = data.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  const response = { status: Number(statusLine!.split(' ')[1]), headers };
  let offset = headEnd + 4;
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    for (;;) {
      const sizeEnd = data.indexOf('\r\n', offset);
      if (sizeEnd < 0) return undefined;
      const size = parseInt(data.subarray(offset, sizeEnd).toString('latin1'), 16);
      offset = sizeEnd + 2 + size + 2;
      if (offset > data.length) return undefined;
      if (size === 0) return { response, length: offset };
    }
  }
  const length = offset + Number(headers['content-length'] ?? 0);
  return length <= data.length ? { response, length } : undefined;
}
