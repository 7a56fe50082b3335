import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy on loopback that breaks connections on demand, for tests of what survives a flaky network. */
export interface FlakyProxy {
  url: string;
  /** Resets (TCP RST) the connection carrying each of the next `n` requests: before it reaches the target, or after the target answered (the answer is lost). */
  resetNext(n: number, when: 'request' | 'response'): void;
  /** For `ms`: resets every open connection now and every request until then (the target looks unreachable). */
  breakFor(ms: number): void;
  /** Connections reset so far while they carried a request or its answer. */
  readonly resets: number;
  close(): Promise<void>;
}

/** Starts a proxy to `target` (`http://host:port`). */
export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<Socket>();
  let resetRequests = 0;
  let resetResponses = 0;
  let brokenUntil = 0;
  let resets = 0;

  const reset = (client: Socket, upstream: Socket): void => {
    if (client.destroyed) return;
    resets++;
    client.resetAndDestroy();
    upstream.destroy();
  };

  const server = createServer((client) => {
    open.add(client);
    const upstream = connect(Number(port), hostname);
    let loseNextAnswer = false;
    client.on('close', () => (open.delete(client), upstream.destroy()));
    upstream.on('close', () => client.destroy());
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('data', (chunk: Buffer) => {
      if (Date.now() < brokenUntil) return reset(client, upstream);
      if (resetRequests > 0) {
        resetRequests--;
        return reset(client, upstream);
      }
      if (resetResponses > 0 && !loseNextAnswer) {
        resetResponses--;
        loseNextAnswer = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (loseNextAnswer || Date.now() < brokenUntil) return reset(client, upstream);
      client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    resetNext(n, when) {
      if (when === 'request') resetRequests += n;
      else resetResponses += n;
    },
    breakFor(ms) {
      brokenUntil = Date.now() + ms;
      for (const socket of open) socket.resetAndDestroy();
    },
    get resets() {
      return resets;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
