import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { keepAliveLoad, openConnection } from './keep-alive-load.js';
import { killIfRunning, spawnKeelson, waitFor200, type KeelsonProcess } from './serve-process.js';

const modelsDir = inject('modelsDir');
let server: KeelsonProcess | undefined;
afterAll(() => killIfRunning(server));

const features = [39.1, 18.7, 181, 3750];
const v2Body = JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: features }] });
const v1Body = JSON.stringify({ instances: [features] });
const post = (path: string, body: string) =>
  `POST ${path} HTTP/1.1\r\nHost: keelson\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
// Most clients take the fast inference path (fast-infer.ts); every fourth goes through the Hono app (KServe V1).
const v2Infer = post('/v2/models/penguins/versions/2/infer', v2Body);
const v1Predict = post('/v1/models/penguins/versions/2:predict', v1Body);
const requestFor = (client: number) => (client % 4 === 3 ? v1Predict : v2Infer);

/** `{ "ECONNRESET on a reused connection": 12, ... }`: failures grouped for the assertion message. */
function lostByError(lost: readonly { error: string; reused: boolean }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const l of lost) {
    const key = `${l.error} on a ${l.reused ? 'reused' : 'fresh'} connection`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('keelson serve drains on SIGTERM without losing a request', () => {
  it('answers every request written on an open keep-alive connection, with connection: close during the drain, and exits 0', { timeout: 90_000 }, async () => {
    server = spawnKeelson(['serve', '--models', modelsDir, '--model', 'penguins:2', '--port', '0', '--workers', '1', '--drain-timeout', '10s']);
    const url = await server.listening;
    await waitFor200(`${url}/v2/health/ready`);
    const exited = server.exited;
    const load = keepAliveLoad({ url, clients: 32, request: requestFor, until: Promise.race([exited, sleep(20_000)]) });
    // Two requests (one per path) that the server is still receiving when SIGTERM arrives: in flight for sure.
    const { hostname, port } = new URL(url);
    const held = await Promise.all([openConnection(hostname, Number(port)), openConnection(hostname, Number(port))]);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await sleep(1_200);
    const heldResponses = Promise.all([held[0]!.exchange(v2Infer, { bytes: 10, until: released }), held[1]!.exchange(v1Predict, { bytes: 10, until: released })]);
    await sleep(300);
    server.child.kill('SIGTERM');
    await sleep(100);
    release();
    const report = await load;
    expect(await exited).toEqual({ code: 0, signal: null });

    const ok = report.responses.filter((r) => r.status === 200);
    const refusedAtDrain = report.responses.filter((r) => r.status === 503);
    const closing = report.responses.filter((r) => r.headers.connection === 'close');
    const summary = { responses: report.responses.length, ok: ok.length, unavailable: refusedAtDrain.length, closing: closing.length, lost: lostByError(report.lost), closedAfterKeepAlive: report.closedAfterKeepAlive, refused: report.refused };
    expect(summary.lost, JSON.stringify(summary)).toEqual({});
    expect(report.closedAfterKeepAlive, JSON.stringify(summary)).toBe(0);
    expect(report.responses.every((r) => r.status === 200 || r.status === 503), JSON.stringify(summary)).toBe(true);
    // Only a draining server answers 503 here: it must close the connection and say when to retry.
    for (const r of refusedAtDrain) expect(r.headers).toMatchObject({ connection: 'close', 'retry-after': '1' });
    // The requests in flight when SIGTERM arrived were served, and told the client to stop reusing the connection.
    const inFlightAtSigterm = { status: 200, headers: expect.objectContaining({ connection: 'close' }) };
    expect(await heldResponses).toEqual([inFlightAtSigterm, inFlightAtSigterm]);
    expect(ok.length).toBeGreaterThan(100);
    const stopped = server.lines.at(-1)!;
    expect(stopped).toMatchObject({ event: { action: 'stopped' }, keelson: { abandoned: 0 } });
  });
});
