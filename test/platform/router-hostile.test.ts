import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRouter, type Router } from '../../platform/router/router.js';
import { drip, rawExchange, sendOversized } from '../service/raw-client.js';

// The router's listener against hostile clients, over raw sockets: bodies over its buffer limit get the whole
// 413, slow headers and slow bodies are cut, nonsense gets 400, and forwarding goes on.
const HEADERS_TIMEOUT_MS = 1_000;
const REQUEST_TIMEOUT_MS = 3_000;
let instance: Server;
let router: Router;

beforeAll(async () => {
  instance = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}')));
  await new Promise<void>((resolve) => instance.listen(0, '127.0.0.1', resolve));
  router = await startRouter({ port: 0, maxBodyBytes: 64 * 1024, drainTimeoutMs: 1_000, httpTimeouts: { headersMs: HEADERS_TIMEOUT_MS, requestMs: REQUEST_TIMEOUT_MS } });
  router.setPool([{ name: 'stable-1', role: 'stable', version: '1', host: '127.0.0.1', port: (instance.address() as AddressInfo).port }], { stable: 100, baseline: 0, canary: 0 });
});
afterAll(async () => {
  await router.close(500);
  instance.closeAllConnections();
  await new Promise((resolve) => instance.close(resolve));
});

const forwarded = async () => (await fetch(`${router.url}/v2/models/penguins/infer`, { method: 'POST', body: '{}' })).status;

describe('the router against hostile clients', () => {
  it.each(['length', 'chunked'] as const)('a body over its limit sent at full speed always gets the whole 413 (%s)', async (framing) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const outcome = await sendOversized(router.url, '/v2/models/penguins/infer', 64 * 1024 * 1024, framing);
      expect(outcome.text, `attempt ${attempt}: ${outcome.ended} after ${outcome.ms} ms`).toMatch(/^HTTP\/1\.1 413 [\s\S]*connection: close[\s\S]*\{"error":"request body: more than 65536 bytes \((67108864|chunked) sent\); the router buffers at most that to retry it"\}$/i);
    }
    expect(await forwarded()).toBe(200);
  }, 120_000);

  it('slow headers are cut at the headers timeout; a slow body at the request timeout with a 408', async () => {
    const slowHeaders = await drip(router.url, 'GET /v2/health/live HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'abcdefgh', 500, 15_000);
    expect(slowHeaders.ended).not.toBe('open');
    expect(slowHeaders.ms).toBeLessThan(HEADERS_TIMEOUT_MS + 2_000);
    const slowBody = await drip(router.url, 'POST /v2/models/penguins/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n', ' ', 500, 20_000);
    expect(slowBody.ms).toBeLessThan(REQUEST_TIMEOUT_MS + 2_000);
    expect(slowBody.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(await forwarded()).toBe(200);
  }, 40_000);

  it('a garbage request line gets 400 and the router keeps forwarding', async () => {
    const garbage = await rawExchange(router.url, 'HELLO\x00WORLD\r\n\r\n');
    expect(garbage.text).toMatch(/^HTTP\/1\.1 400 /);
    expect(await forwarded()).toBe(200);
  });

  it('refuses timeouts that would cut every request, naming the flag and the value', async () => {
    await expect(startRouter({ port: 0, httpTimeouts: { headersMs: 30_000, requestMs: 20_000 } })).rejects.toThrow(/--http-request-timeout 20000 ms: expected at least --http-headers-timeout \(30000 ms\)/);
  });
});
