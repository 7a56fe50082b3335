import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening HTTP server that knows its in-flight requests and can drain them. */
export interface Listener {
  url: string;
  server: Server;
  inFlight(): number;
  /** Stops accepting, waits for in-flight requests up to `timeoutMs`, then cuts the rest; resolves with how many were cut. */
  drain(timeoutMs: number): Promise<number>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => unknown;

/** Serves a plain node handler on `host:port`. */
export async function listen(handler: Handler, host: string, port: number): Promise<Listener> {
  const active = new Set<ServerResponse>();
  // One listener function for every response (not a closure per request): 'close' fires once per response.
  const forget = function forget(this: ServerResponse): void {
    active.delete(this);
  };
  const server = createServer((request, response) => {
    active.add(response);
    response.on('close', forget);
    void handler(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostPart}:${address.port}`,
    server,
    inFlight: () => active.size,
    async drain(timeoutMs) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const deadline = Date.now() + timeoutMs;
      while (active.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const abandoned = active.size;
      server.closeAllConnections();
      await closed;
      return abandoned;
    },
  };
}
