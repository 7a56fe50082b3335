import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { drip, rawExchange, sendOversized } from './raw-client.js';
import { killIfRunning, spawnKeelson, waitFor200, type KeelsonProcess } from './serve-process.js';

// A real `keelson serve` process and raw sockets: clients that send too much, too slowly, or nonsense each get a
// clear 4xx (or, sending headers too slowly, a closed connection), and the server goes on serving everyone else.
const modelsDir = inject('modelsDir');
const INFER = '/v2/models/penguins/infer';
const ROW = JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [39.1, 18.7, 181, 3750] }] });
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 3_000;

let server: KeelsonProcess;
let url = '';

beforeAll(async () => {
  server = spawnKeelson(['serve', '--models', modelsDir, '--model', 'penguins:1', '--port', '0', '--workers', '1', '--body-limit', '64KiB',
    '--http-headers-timeout', `${HEADERS_TIMEOUT_MS}ms`, '--http-request-timeout', `${REQUEST_TIMEOUT_MS}ms`]);
  url = await server.listening;
  await waitFor200(`${url}/v2/health/ready`);
}, 60_000);
afterAll(() => killIfRunning(server));

const live = async () => (await fetch(`${url}/v2/health/live`)).status;

describe('the inference server against hostile clients', () => {
  it.each([
    ['the fast inference path', INFER],
    ['the Hono app (KServe V1)', '/v1/models/penguins:predict'],
  ])('a body announced over --body-limit and sent at full speed always gets the whole 413 (%s)', async (_name, path) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const outcome = await sendOversized(url, path, 64 * 1024 * 1024);
      expect(outcome.text, `attempt ${attempt}: ${outcome.ended} after ${outcome.ms} ms`).toMatch(/^HTTP\/1\.1 413 [^\r]*\r\n[\s\S]*connection: close[\s\S]*\r\n\r\n\{"error":"request body: 67108864 bytes exceeds the limit of 65536 bytes \(--body-limit\)"\}$/i);
    }
    expect(await live()).toBe(200);
  }, 120_000);

  it('a chunked body that grows past the limit gets the whole 413 too (fast path)', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const outcome = await sendOversized(url, INFER, 64 * 1024 * 1024, 'chunked');
      expect(outcome.text, `attempt ${attempt}: ${outcome.ended} after ${outcome.ms} ms`).toMatch(/^HTTP\/1\.1 413 [\s\S]*\{"error":"request body: more than 65536 bytes exceeds the limit of 65536 bytes \(--body-limit\)"\}$/);
    }
  }, 60_000);

  it('headers sent one byte every 500 ms are cut at --http-headers-timeout, while a kept-alive client goes on being served', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const statuses: number[] = [];
    let stop = false;
    const steady = (async () => {
      while (!stop) {
        statuses.push(await new Promise<number>((resolve) => request(`${url}/v2/health/live`, { agent }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', () => resolve(0)).end()));
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    const slow = await drip(url, 'GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'abcdefghijklmnopqrstuvwxyz', 500, 15_000);
    stop = true;
    await steady;
    agent.destroy();
    expect(slow.ended).not.toBe('open');
    expect(slow.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
    expect(slow.text === '' || slow.text.startsWith('HTTP/1.1 408')).toBe(true);
    expect(statuses.length).toBeGreaterThan(2);
    expect(statuses.every((s) => s === 200)).toBe(true);
  }, 30_000);

  it('a body sent one byte every 500 ms is cut at --http-request-timeout with a 408', async () => {
    const slow = await drip(url, `POST ${INFER} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n`, ' ', 500, 20_000);
    expect(slow.ended).not.toBe('open');
    expect(slow.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    expect(slow.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(await live()).toBe(200);
  }, 30_000);

  it('a wrong content type gets 415 naming it; a garbage request line gets 400; the server keeps serving', async () => {
    const wrongType = await rawExchange(url, `POST ${INFER} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: ${ROW.length}\r\n\r\n${ROW}`);
    expect(wrongType.text).toMatch(/^HTTP\/1\.1 415 [\s\S]*Content-Type: \\"text\/plain\\" is not accepted; send application\/json/);
    const garbage = await rawExchange(url, 'HELLO\x00WORLD\r\n\r\n');
    expect(garbage.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(garbage.ended).not.toBe('open');
    const ok = await fetch(`${url}${INFER}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: ROW });
    expect(ok.status).toBe(200);
  });
});
