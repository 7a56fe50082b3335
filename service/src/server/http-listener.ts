import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gracefulDrain } from './graceful-drain.js';
import { HTTP_TIMEOUTS, serverTimeoutOptions, type HttpTimeouts } from './http-timeouts.js';

/** A listening HTTP server that knows its in-flight requests and can drain them. */
export interface Listener {
  url: string;
  server: Server;
  inFlight(): number;
  /**
   * Stops accepting, answers every request already on a connection (with `Connection: close`), closes idle
   * connections, and at `timeoutMs` cuts the rest; resolves with how many responses were cut (see graceful-drain.ts).
   */
  drain(timeoutMs: number): Promise<number>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => unknown;

/** Serves a plain node handler on `host:port`, cutting clients that send their request too slowly (`timeouts`). */
export async function listen(handler: Handler, host: string, port: number, timeouts: HttpTimeouts = HTTP_TIMEOUTS): Promise<Listener> {
  const server = createServer(serverTimeoutOptions(timeouts), (request, response) => void handler(request, response));
  const drainer = gracefulDrain(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${hostPart}:${address.port}`, server, inFlight: drainer.inFlight, drain: drainer.drain };
}
