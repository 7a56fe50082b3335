import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { createNodeListener } from '../../service/src/http/app.js';
import { listen, type Listener } from '../../service/src/server/http-listener.js';
import { fakeApp } from './fake-app.js';

/**
 * `POST .../infer` is served by a node:http fast path (service/src/http/fast-infer.ts) in `keelson serve`,
 * everything else by the Hono app. The fast path must be indistinguishable: the same requests give the same
 * statuses, bodies, headers, metrics and access-log lines as the Hono app (`app.request()`).
 */
const row = [39.1, 18.7, 181, 3750];
const valid = { id: 'x', inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [row, [50, 15, 220, 5000]] }] };
const json = { 'Content-Type': 'application/json' };
const CASES: { path: string; body: string; headers: Record<string, string> }[] = [
  { path: '/v2/models/penguins/infer', body: JSON.stringify(valid), headers: { ...json, 'X-Request-Id': 'same-id-1' } },
  { path: '/v2/models/penguins/versions/1/infer', body: JSON.stringify({ ...valid, outputs: [{ name: 'label' }] }), headers: json },
  { path: '/v2/models/penguins/infer?x=1', body: JSON.stringify(valid), headers: json },
  { path: '/v2/models/penguins/infer', body: '{"inputs": [', headers: json },
  { path: '/v2/models/penguins/infer', body: '', headers: json },
  { path: '/v2/models/penguins/infer', body: JSON.stringify(valid), headers: { 'Content-Type': 'text/plain' } },
  { path: '/v2/models/penguins/infer', body: 'x'.repeat(5000), headers: json },
  { path: '/v2/models/nope/infer', body: JSON.stringify(valid), headers: json },
  { path: '/v2/models/penguins/versions/3/infer', body: JSON.stringify(valid), headers: json },
  { path: '/v2/models/penguins/versions/9/infer', body: JSON.stringify(valid), headers: json },
  { path: '/v2/models/penguins/infer', body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP64', shape: [1, 4], data: row }] }), headers: json },
  { path: '/v2/models/penguins/infer', body: JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [1, 2, null, 4] }] }), headers: json },
  { path: '/v2/models/penguins/infer', body: JSON.stringify({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: row }] }), headers: json },
  { path: '/v2/models/penguins/infer', body: JSON.stringify({ ...valid, outputs: [{ name: 'nope' }] }), headers: json },
];

interface Answer { status: number; body: unknown; headers: Record<string, string | undefined> }
const HEADERS = ['content-type', 'retry-after', 'www-authenticate', 'connection', 'x-request-id'];

function viaHttp(url: string, c: (typeof CASES)[number]): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url + c.path, { method: 'POST', headers: { ...c.headers, 'Content-Length': String(Buffer.byteLength(c.body)) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => {
        resolve({ status: res.statusCode!, body: JSON.parse(text) as unknown, headers: Object.fromEntries(HEADERS.map((h) => [h, res.headers[h] as string | undefined])) });
      });
    });
    req.on('error', reject);
    req.end(c.body);
  });
}

async function viaHono(app: ReturnType<typeof fakeApp>['app'], c: (typeof CASES)[number]): Promise<Answer> {
  const res = await app.request(c.path, { method: 'POST', body: c.body, headers: { ...c.headers, 'Content-Length': String(Buffer.byteLength(c.body)) } });
  return { status: res.status, body: await res.json(), headers: Object.fromEntries(HEADERS.map((h) => [h, res.headers.get(h) ?? undefined])) };
}

/**
 * Comparable view of an answer: generated request ids aside, and `Connection: close` only where it matters
 * (node:http adds keep-alive; the fast path also closes after a 413 rather than read the rest of the body).
 */
const comparable = (a: Answer, givenId: boolean) => ({
  ...a, headers: { ...a.headers, connection: a.headers.connection === 'close' && a.status !== 413 ? 'close' : undefined, 'x-request-id': givenId ? a.headers['x-request-id'] : typeof a.headers['x-request-id'] },
});
const metricLines = (text: string) => text.split('\n').filter((l) => /^(http_requests_total|model_inference_requests_total|model_predictions_total)\{/.test(l)).sort();
const logView = (lines: Record<string, unknown>[]) => lines.map((l) => {
  const { event, http, ...rest } = l as { event: Record<string, unknown>; http: { request: { id: string } }; '@timestamp': string };
  return { ...rest, '@timestamp': typeof rest['@timestamp'], event: { ...event, duration: typeof event.duration }, http: { ...http, request: { ...http.request, id: http.request.id.startsWith('same-id') ? http.request.id : 'generated' } } };
});

describe('fast inference path = Hono app', () => {
  const hono = fakeApp({ bodyLimitBytes: 4096 });
  const fast = fakeApp({ bodyLimitBytes: 4096 });
  let server: Listener;
  beforeAll(async () => {
    for (const f of [hono, fast]) f.models.update({ name: 'penguins', version: '3', status: 'failed', reason: 'sha256 mismatch' });
    server = await listen(createNodeListener(fast.deps), '127.0.0.1', 0);
  });
  afterAll(async () => {
    await server?.drain(1000);
  });

  it('answers every request with the same status, body and headers, and counts and logs it the same way', async () => {
    for (const c of CASES) {
      const viaNode = await viaHttp(server.url, c);
      const viaApp = await viaHono(hono.app, c);
      const given = c.headers['X-Request-Id'] !== undefined;
      expect(comparable(viaNode, given), `${c.path} ${c.body.slice(0, 60)}`).toEqual(comparable(viaApp, given));
    }
    expect(metricLines((await fast.metrics.exposition()).body)).toEqual(metricLines((await hono.metrics.exposition()).body));
    expect(logView(fast.lines)).toEqual(logView(hono.lines));
  });

  it('gives 503 with Connection: close while draining, and 401 with a challenge when a token is required', async () => {
    fast.state.draining = true;
    const draining = await viaHttp(server.url, CASES[0]!);
    fast.state.draining = false;
    expect(draining).toMatchObject({ status: 503, headers: { connection: 'close', 'retry-after': '1' } });
    const authed = fakeApp({ authToken: 's3cret' });
    const guarded = await listen(createNodeListener(authed.deps), '127.0.0.1', 0);
    try {
      const missing = await viaHttp(guarded.url, CASES[0]!);
      expect(missing).toMatchObject({ status: 401, headers: { 'www-authenticate': 'Bearer realm="keelson"' } });
      const ok = await viaHttp(guarded.url, { ...CASES[0]!, headers: { ...json, Authorization: 'Bearer s3cret' } });
      expect(ok.status).toBe(200);
    } finally {
      await guarded.drain(1000);
    }
  });

  it('cuts off a streamed body over the limit with 413', async () => {
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = httpRequest(`${server.url}/v2/models/penguins/infer`, { method: 'POST', headers: json }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.write('{"inputs": "' + 'x'.repeat(3000));
      req.end('x'.repeat(3000) + '"}');
    });
    expect(answer.status).toBe(413);
    expect(answer.text).toMatch(/exceeds the limit of 4096 bytes/);
  });
});
