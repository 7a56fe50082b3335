import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { startRouter, type Router } from '../../platform/router/router.js';
import { IDLE_GRACE_MS } from '../../service/src/server/graceful-drain.js';
import { keepAliveLoad, openConnection } from '../service/keep-alive-load.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A router in front of one instance that answers each request after a few milliseconds, so that the router always holds requests. */
async function routerOverSlowInstance(): Promise<Router> {
  const upstream = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"outputs":[]}'), 5));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => {
    upstream.closeAllConnections();
    upstream.close();
  });
  const router = await startRouter({ port: 0, drainTimeoutMs: 5_000 });
  cleanups.push(() => router.close(0));
  const port = (upstream.address() as AddressInfo).port;
  router.setPool([{ name: 'only', role: 'stable', version: '1', host: '127.0.0.1', port }], { stable: 100, baseline: 0, canary: 0 });
  return router;
}

const body = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [39.1, 18.7, 181, 3750] }] });
const request = () => `POST /v2/models/penguins/infer HTTP/1.1\r\nHost: router\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;

describe('router close() under keep-alive load', () => {
  it('answers every request written on an open connection, with connection: close during the drain', { timeout: 60_000 }, async () => {
    const router = await routerOverSlowInstance();
    let closeStarted = 0;
    const closed = sleep(1_000).then(() => {
      closeStarted = Date.now();
      return router.close();
    });
    const report = await keepAliveLoad({ url: router.url, clients: 32, request, until: Promise.race([closed, sleep(15_000)]) });
    await closed;
    // Bounded by the idle grace, far below the drain timeout: nothing was left to wait for.
    expect(Date.now() - closeStarted).toBeLessThan(5_000);

    const ok = report.responses.filter((r) => r.status === 200);
    const summary = { responses: report.responses.length, ok: ok.length, closing: report.responses.filter((r) => r.headers.connection === 'close').length, lost: report.lost.length, firstLost: report.lost[0], closedAfterKeepAlive: report.closedAfterKeepAlive, refused: report.refused };
    expect(summary.lost, JSON.stringify(summary)).toBe(0);
    expect(report.closedAfterKeepAlive, JSON.stringify(summary)).toBe(0);
    expect(ok.length, JSON.stringify(summary)).toBe(report.responses.length);
    // The requests the router held when close() began were forwarded, answered, and closed their connections.
    expect(ok.filter((r) => r.headers.connection === 'close').length, JSON.stringify(summary)).toBeGreaterThan(0);
    expect(ok.length).toBeGreaterThan(100);
  });

  it('answers a request that arrives on an idle connection during the grace, and closes a connection that stays idle', { timeout: 30_000 }, async () => {
    const router = await routerOverSlowInstance();
    const { hostname, port } = new URL(router.url);
    const [reused, idle] = await Promise.all([openConnection(hostname, Number(port)), openConnection(hostname, Number(port))]);
    cleanups.push(() => void reused.socket.destroy(), () => void idle.socket.destroy());
    for (const connection of [reused, idle]) expect(await connection.exchange(request())).toMatchObject({ status: 200, headers: { connection: 'keep-alive' } });

    const started = Date.now();
    const idleClosed = new Promise<number>((resolve) => idle.socket.once('end', () => resolve(Date.now() - started)));
    const closed = router.close().then(() => Date.now() - started);
    await sleep(200);
    // The client could not know the router was draining: its request on the kept-alive connection is served, and that connection closed.
    expect(reused.closedByServer()).toBe(false);
    expect(await reused.exchange(request())).toMatchObject({ status: 200, headers: { connection: 'close' } });
    const closedAfter = await closed;
    expect(await idleClosed).toBeGreaterThanOrEqual(IDLE_GRACE_MS - 50);
    expect(closedAfter).toBeLessThan(IDLE_GRACE_MS + 1_000);
  });
});
