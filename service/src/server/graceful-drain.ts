import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';

/**
 * How long a kept-alive connection may stay idle once a drain has started before it is closed.
 *
 * HTTP/1.1 cannot tell a client "stop using this connection" except on a response, so closing an idle
 * connection always races a request the client may be writing on it (RFC 9112 §9.3.1). Go's Shutdown and
 * nginx close idle connections at once and leave that race to the client; HAProxy before 2.4 (and with
 * `idle-close-on-response` since) instead waited for one last request to answer it with `Connection: close`,
 * because clients without write retries saw resets; Envoy keeps connections through its drain period and
 * adds `Connection: close`. We follow HAProxy and Envoy, bounded: a client that got a kept-alive response
 * just before the drain reuses the connection within milliseconds, so one second catches that request and
 * answers it; a connection idle for longer is closed, and the drain does not wait out the keep-alive timeout.
 */
export const IDLE_GRACE_MS = 1_000;

/** A node:http server that can stop without dropping a request it has received. */
export interface GracefulDrain {
  /** Responses started and not yet finished. */
  inFlight(): number;
  /**
   * Stops accepting connections; answers every request on an open connection, with `Connection: close`;
   * closes connections that stay idle for the grace; at `timeoutMs` cuts what is left. Resolves with the
   * number of responses cut. Idempotent.
   */
  drain(timeoutMs: number): Promise<number>;
}

export interface GracefulDrainOptions {
  /** Default `IDLE_GRACE_MS`; never longer than the drain's timeout. */
  idleGraceMs?: number;
}

interface ConnectionState {
  /** Requests received on this connection and not yet answered (more than one only when pipelined). */
  pending: number;
  idleTimer?: NodeJS.Timeout;
}

/** Tracks `server`'s connections and responses (attach before it accepts connections). */
export function gracefulDrain(server: Server, options: GracefulDrainOptions = {}): GracefulDrain {
  const connections = new Map<Socket, ConnectionState>();
  const responses = new Set<ServerResponse>();
  let graceMs: number | undefined; // set once draining
  let drained: Promise<number> | undefined;

  const track = (socket: Socket): ConnectionState => {
    let state = connections.get(socket);
    if (!state) {
      state = { pending: 0 };
      connections.set(socket, state);
      socket.on('close', forgetConnection);
    }
    return state;
  };
  // Shared listeners (not a closure per request): this runs on every request of the hot path.
  function forgetConnection(this: Socket): void {
    clearTimeout(connections.get(this)?.idleTimer);
    connections.delete(this);
  }
  function forgetResponse(this: ServerResponse): void {
    responses.delete(this);
    const socket = this.req.socket;
    const state = connections.get(socket);
    if (!state) return;
    state.pending -= 1;
    if (graceMs !== undefined && state.pending === 0 && !socket.destroyed) closeWhenIdle(socket, state, graceMs);
  }

  server.on('connection', track);
  // Prepended so that the header is set before any handler can write its response.
  server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => {
    const state = track(request.socket);
    state.pending += 1;
    clearTimeout(state.idleTimer);
    responses.add(response);
    response.on('close', forgetResponse);
    if (graceMs !== undefined) response.setHeader('connection', 'close');
  });

  return {
    inFlight: () => responses.size,
    drain(timeoutMs) {
      drained ??= (async () => {
        graceMs = Math.min(options.idleGraceMs ?? IDLE_GRACE_MS, timeoutMs);
        // Not server.close(): node:http's close() also destroys every idle kept-alive connection at once,
        // resetting requests that clients are writing on them. net.Server's close() only stops accepting.
        const closed = new Promise<void>((resolve) => NetServer.prototype.close.call(server, () => resolve()));
        for (const response of responses) if (!response.headersSent) response.setHeader('connection', 'close');
        for (const [socket, state] of connections) if (state.pending === 0) closeWhenIdle(socket, state, graceMs);
        let deadline: NodeJS.Timeout | undefined;
        const expired = new Promise<'expired'>((resolve) => (deadline = setTimeout(() => resolve('expired'), timeoutMs)));
        const outcome = await Promise.race([closed, expired]);
        clearTimeout(deadline);
        if (outcome !== 'expired') return 0;
        const abandoned = responses.size;
        for (const socket of connections.keys()) socket.destroy();
        await closed;
        return abandoned;
      })();
      return drained;
    },
  };
}

/**
 * Closes the connection once it has stayed idle for `graceMs`. Bytes that arrive meanwhile are a request
 * on its way (answered with `Connection: close`, which then closes the connection) or the rest of an
 * unread body: either way the connection is watched for another grace rather than cut mid-message.
 */
function closeWhenIdle(socket: Socket, state: ConnectionState, graceMs: number): void {
  clearTimeout(state.idleTimer);
  const bytesRead = socket.bytesRead;
  state.idleTimer = setTimeout(() => {
    if (state.pending > 0) return;
    if (socket.bytesRead === bytesRead) socket.destroy();
    else closeWhenIdle(socket, state, graceMs);
  }, graceMs);
}
