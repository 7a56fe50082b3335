import { describe, expect, it } from 'vitest';
import { fakeApp, fakeManifest } from './fake-app.js';
import { expectSchema } from './openapi.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };
const row = [39.1, 18.7, 181, 3750];
const validV2 = { id: 'req-1', inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [row, [50, 15, 220, 5000]] }] };
const post = (app: ReturnType<typeof fakeApp>['app'], path: string, body: unknown, headers: Record<string, string> = JSON_HEADERS) =>
  app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });
/** Response bodies as the tests read them. */
interface Body {
  [key: string]: unknown;
  error: string;
  model_version: string;
  outputs: { name: string; datatype: string; shape: number[]; data: unknown[] }[];
}
const read = async (res: Response): Promise<Body> => (await res.json()) as Body;
const tensor = (over: Record<string, unknown>) => ({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: row, ...over }] });

describe('createApp: endpoints', () => {
  const { app } = fakeApp();

  it('GET /v2/health/live and /v2/health/ready answer 200 when every model is ready', async () => {
    expect((await app.request('/v2/health/live')).status).toBe(200);
    const ready = await app.request('/v2/health/ready');
    expect(ready.status).toBe(200);
    expect(await read(ready)).toEqual({ ready: true });
  });

  it('GET /v2 is server metadata with extensions', async () => {
    const res = await app.request('/v2');
    expect(res.status).toBe(200);
    const body = await read(res);
    expectSchema('metadata_server_response', body);
    expect(body).toMatchObject({ name: 'keelson', extensions: expect.arrayContaining(['kserve_v1_predict']) });
  });

  it('GET /v2/models/{m}[/versions/{v}] is model metadata with string versions and -1 for dynamic dims', async () => {
    for (const path of ['/v2/models/penguins', '/v2/models/penguins/versions/1']) {
      const res = await app.request(path);
      expect(res.status, path).toBe(200);
      const body = await read(res);
      expectSchema('metadata_model_response', body);
      expect(body).toEqual({
        name: 'penguins', versions: ['1', '2'], platform: 'onnxruntime_onnx',
        inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
        outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }, { name: 'label', datatype: 'INT64', shape: [-1] }],
      });
    }
  });

  it('GET .../ready reports model readiness', async () => {
    for (const path of ['/v2/models/penguins/ready', '/v2/models/penguins/versions/2/ready']) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      expect(await read(res)).toEqual({ name: 'penguins', ready: true });
    }
  });

  it('POST /v2/models/{m}/infer answers the OIP response, echoing id, default version = highest', async () => {
    const res = await post(app, '/v2/models/penguins/infer', validV2);
    expect(res.status).toBe(200);
    const body = await read(res);
    expectSchema('inference_response', body);
    expect(body).toMatchObject({ model_name: 'penguins', model_version: '2', id: 'req-1' });
    expect(body.outputs.map((o) => o.name)).toEqual(['probabilities', 'label']);
    expect(body.outputs[1]).toEqual({ name: 'label', datatype: 'INT64', shape: [2], data: [0, 2] });
  });

  it('POST .../versions/{v}/infer honours the version and the outputs filter', async () => {
    const res = await post(app, '/v2/models/penguins/versions/1/infer', { ...validV2, outputs: [{ name: 'probabilities' }] });
    const body = await read(res);
    expectSchema('inference_response', body);
    expect(body.model_version).toBe('1');
    expect(body.outputs).toEqual([{ name: 'probabilities', datatype: 'FP32', shape: [2, 3], data: [1, 0, 0, 0, 0, 1] }]);
  });

  it('POST /v1/models/{m}:predict takes number arrays and feature-keyed objects', async () => {
    const res = await post(app, '/v1/models/penguins:predict', {
      instances: [[40, 18, 180, 3700], { bill_length_mm: 50, bill_depth_mm: 15, flipper_length_mm: 220, body_mass_g: 5000 }],
    });
    expect(res.status).toBe(200);
    expect(await read(res)).toEqual({ model_name: 'penguins', model_version: '2', predictions: ['Chinstrap', 'Gentoo'] });
    const versioned = await post(app, '/v1/models/penguins/versions/1:predict', { instances: [[41, 18, 180, 3700]] });
    expect(await read(versioned)).toMatchObject({ model_version: '1', predictions: ['Gentoo'] });
  });

  it('GET /v1/models/{m} reports status', async () => {
    expect(await read(await app.request('/v1/models/penguins'))).toEqual({ name: 'penguins', ready: true });
  });

  it('GET /metrics is the Prometheus text format', async () => {
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    expect(await res.text()).toMatch(/# TYPE http_requests_total counter/);
  });

  it('unknown routes are JSON 404s', async () => {
    const res = await app.request('/nope');
    expect(res.status).toBe(404);
    expect((await read(res)).error).toMatch(/no route for GET \/nope/);
  });
});

describe('createApp: malformed requests', () => {
  const oversized = JSON.stringify(tensor({ data: Array.from({ length: 2000 }, () => 1.5), shape: [500, 4] }));
  const cases: [string, string, string | unknown, number, RegExp, Record<string, string>?][] = [
    ['v2', 'invalid JSON', '{', 400, /request body: not valid JSON/],
    ['v2', 'not JSON at all', 'features=1', 400, /not valid JSON/],
    ['v2', 'empty body', '', 400, /request body: empty/],
    ['v2', 'NaN literal', '{"inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"data":[NaN,1,2,3]}]}', 400, /not valid JSON/],
    ['v2', 'Infinity literal', '{"inputs":[{"name":"features","datatype":"FP32","shape":[1,4],"data":[Infinity,1,2,3]}]}', 400, /not valid JSON/],
    ['v2', 'null body', 'null', 400, /request body: expected an object/],
    ['v2', 'array body', '[]', 400, /request body: expected an object/],
    ['v2', 'number body', '42', 400, /request body: expected an object/],
    ['v2', 'no inputs', {}, 400, /inputs: expected a non-empty array/],
    ['v2', 'inputs null', { inputs: null }, 400, /inputs: expected a non-empty array/],
    ['v2', 'inputs object', { inputs: {} }, 400, /inputs: expected a non-empty array/],
    ['v2', 'inputs empty', { inputs: [] }, 400, /inputs: expected a non-empty array/],
    ['v2', 'input null', { inputs: [null] }, 400, /inputs\[0\]: expected an object/],
    ['v2', 'input number', { inputs: [1] }, 400, /inputs\[0\]: expected an object/],
    ['v2', 'input without name', { inputs: [{ datatype: 'FP32', shape: [1, 4], data: row }] }, 400, /inputs\[0\]\.name: .* has no input undefined/],
    ['v2', 'wrong input name', tensor({ name: 'x' }), 400, /inputs\[0\]\.name: .*no input "x"; expected "features"/],
    ['v2', 'input name number', tensor({ name: 3 }), 400, /inputs\[0\]\.name/],
    ['v2', 'duplicate input', { inputs: [tensor({}).inputs[0], tensor({}).inputs[0]] }, 400, /given more than once/],
    ['v2', 'datatype missing', tensor({ datatype: undefined }), 400, /inputs\[0\]\.datatype: undefined is not a protocol datatype/],
    ['v2', 'datatype unknown', tensor({ datatype: 'FLOAT32' }), 400, /"FLOAT32" is not a protocol datatype; expected FP32/],
    ['v2', 'datatype lowercase', tensor({ datatype: 'fp32' }), 400, /"fp32" is not a protocol datatype/],
    ['v2', 'datatype mismatch', tensor({ datatype: 'INT32', data: [1, 2, 3, 4] }), 400, /expects FP32, got INT32/],
    ['v2', 'datatype BYTES', tensor({ datatype: 'BYTES' }), 400, /BYTES is not supported over JSON/],
    ['v2', 'datatype FP16', tensor({ datatype: 'FP16' }), 400, /input "features" expects FP32, got FP16/],
    ['v2', 'shape missing', tensor({ shape: undefined }), 400, /inputs\[0\]\.shape: expected an array like \[-1,4\]/],
    ['v2', 'shape string', tensor({ shape: '1,4' }), 400, /inputs\[0\]\.shape: expected an array/],
    ['v2', 'shape rank 1', tensor({ shape: [4] }), 400, /has 1 dimensions; input "features" expects 2/],
    ['v2', 'shape rank 3', tensor({ shape: [1, 4, 1] }), 400, /has 3 dimensions/],
    ['v2', 'shape negative', tensor({ shape: [-1, 4] }), 400, /inputs\[0\]\.shape\[0\]: -1 is not a dimension/],
    ['v2', 'shape fractional', tensor({ shape: [1.5, 4] }), 400, /shape\[0\]: 1.5 is not a dimension/],
    ['v2', 'shape null dim', tensor({ shape: [null, 4] }), 400, /shape\[0\]: null is not a dimension/],
    ['v2', 'shape wrong width', tensor({ shape: [1, 5] }), 400, /dimension 1 must be 4/],
    ['v2', 'absurd shape claim', tensor({ shape: [1e15, 4] }), 400, /claims 4000000000000000 elements/],
    ['v2', 'data missing', tensor({ data: undefined }), 400, /inputs\[0\]\.data: expected an array of 4 values/],
    ['v2', 'data string', tensor({ data: '1,2,3,4' }), 400, /inputs\[0\]\.data: expected an array/],
    ['v2', 'data object', tensor({ data: { a: 1 } }), 400, /inputs\[0\]\.data: expected an array/],
    ['v2', 'data too short', tensor({ data: [1, 2, 3] }), 400, /has 3 elements but shape \[1,4\] needs 4/],
    ['v2', 'data too long', tensor({ data: [1, 2, 3, 4, 5] }), 400, /has 5 elements/],
    ['v2', 'data null element', tensor({ data: [1, null, 3, 4] }), 400, /element 1 \(row-major\) is null/],
    ['v2', 'data string element', tensor({ data: [1, 2, '3', 4] }), 400, /element 2 \(row-major\) is "3"/],
    ['v2', 'data boolean element', tensor({ data: [1, 2, 3, true] }), 400, /element 3 \(row-major\) is true/],
    ['v2', 'data "NaN" string', tensor({ data: ['NaN', 2, 3, 4] }), 400, /element 0 .* is "NaN"; expected a finite number/],
    ['v2', 'data overflows FP32', tensor({ data: [1e39, 2, 3, 4] }), 400, /element 0 .* is 1e\+39/],
    ['v2', 'nested data ragged', tensor({ data: [[1, 2], [3, 4]] }), 400, /nested data does not match shape \[1,4\]/],
    ['v2', 'nested data too deep', tensor({ data: [[[1, 2, 3, 4]]] }), 400, /nested data/],
    ['v2', 'id not a string', { ...tensor({}), id: 12 }, 400, /^id: expected a string, got 12/],
    ['v2', 'parameters not an object', { ...tensor({}), parameters: [1] }, 400, /^parameters: expected an object/],
    ['v2', 'parameter value object', { ...tensor({}), parameters: { a: { b: 1 } } }, 400, /^parameters\.a: expected a string, number or boolean/],
    ['v2', 'outputs not an array', { ...tensor({}), outputs: 'label' }, 400, /^outputs: expected an array/],
    ['v2', 'unknown output', { ...tensor({}), outputs: [{ name: 'logits' }] }, 400, /outputs\[0\]\.name: .*no output "logits"/],
    ['v2', 'duplicate output', { ...tensor({}), outputs: [{ name: 'label' }, { name: 'label' }] }, 400, /requested more than once/],
    ['v2', 'wrong content type', tensor({}), 415, /Content-Type: "text\/plain" is not accepted/, { 'Content-Type': 'text/plain' }],
    ['v2', 'form content type', tensor({}), 415, /application\/x-www-form-urlencoded/, { 'Content-Type': 'application/x-www-form-urlencoded' }],
    ['v2', 'body over the limit', oversized, 413, /exceeds the limit of 4096 bytes/],
    ['v1', 'instances missing', { rows: [row] }, 400, /^instances: expected a non-empty array/],
    ['v1', 'instances empty', { instances: [] }, 400, /^instances: expected a non-empty array/],
    ['v1', 'instance too short', { instances: [[1, 2]] }, 400, /instances\[0\]: has 2 values, expected 4/],
    ['v1', 'instance null', { instances: [null] }, 400, /instances\[0\]: expected an array of 4 numbers or an object/],
    ['v1', 'feature missing', { instances: [{ bill_length_mm: 1 }] }, 400, /instances\[0\]\.bill_depth_mm: missing/],
    ['v1', 'unknown feature', { instances: [{ ...Object.fromEntries(fakeManifest('1').features.map((f) => [f, 1])), island: 2 }] }, 400, /unknown feature "island"/],
    ['v1', 'feature not a number', { instances: [[1, 2, 'x', 4]] }, 400, /instances\[0\]\[2\]: expected a finite number, got "x"/],
    ['v1', 'invalid JSON', '{"instances": [', 400, /not valid JSON/],
  ];

  it(`answers ${cases.length} malformed requests with a clear error, then still serves a valid one`, async () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    const { app, metrics } = fakeApp({ bodyLimitBytes: 4096 });
    for (const [protocol, what, body, status, message, headers] of cases) {
      const path = protocol === 'v2' ? '/v2/models/penguins/infer' : '/v1/models/penguins:predict';
      const res = await post(app, path, body, headers);
      expect(res.status, what).toBe(status);
      const json = await read(res);
      expectSchema('inference_error_response', json);
      expect(json.error, what).toMatch(message);
    }
    const ok = await post(app, '/v2/models/penguins/infer', validV2);
    expect(ok.status).toBe(200);
    expectSchema('inference_response', await read(ok));
    const exposition = (await metrics.exposition()).body;
    const clientErrors = cases.filter((c) => c[3] < 500).length;
    expect(exposition).toContain(`model_inference_requests_total{model="penguins",version="2",outcome="client_error"} ${clientErrors}`);
  });

  it('a body over the limit without Content-Length is cut off while streaming', async () => {
    const { app } = fakeApp({ bodyLimitBytes: 4096 });
    const chunk = new TextEncoder().encode(' '.repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 100) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await app.request('/v2/models/penguins/infer', { method: 'POST', body, headers: JSON_HEADERS, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(100);
  });

  it('unknown models and versions are 404; model names never reach the filesystem', async () => {
    const { app } = fakeApp();
    for (const path of ['/v2/models/nope/infer', '/v2/models/penguins/versions/9/infer', '/v2/models/..%2F..%2Fetc/infer', '/v1/models/nope:predict']) {
      const res = await post(app, path, validV2);
      expect(res.status, path).toBe(404);
      expect((await read(res)).error).toMatch(/not served here|has no version "9"/);
    }
    expect((await post(app, '/v1/models/penguins:explain', { instances: [row] })).status).toBe(404);
  });

  it('a version that failed to load answers 503 and makes the server not ready', async () => {
    const { app, models } = fakeApp();
    models.update({ name: 'penguins', version: '2', status: 'failed', reason: 'sha256 mismatch: ...' });
    const res = await post(app, '/v2/models/penguins/versions/2/infer', validV2);
    expect(res.status).toBe(503);
    expect((await read(res)).error).toMatch(/version 2 could not be loaded: sha256 mismatch/);
    expect((await app.request('/v2/health/ready')).status).toBe(503);
    expect((await app.request('/v2/models/penguins/versions/2/ready')).status).toBe(503);
    // The unversioned route falls back to the highest ready version.
    expect(await read(await post(app, '/v2/models/penguins/infer', validV2))).toMatchObject({ model_version: '1' });
  });

  it('an unexpected runtime failure is a 500 naming the request id, counted as server_error', async () => {
    const { app, metrics, lines } = fakeApp({ inference: { infer: () => Promise.reject(new Error('boom')) } });
    const res = await post(app, '/v2/models/penguins/infer', validV2, { ...JSON_HEADERS, 'X-Request-Id': 'abc-123' });
    expect(res.status).toBe(500);
    expect((await read(res)).error).toMatch(/request id abc-123/);
    expect((await metrics.exposition()).body).toContain('model_inference_requests_total{model="penguins",version="2",outcome="server_error"} 1');
    expect(lines.some((l) => l.message === 'unexpected error while serving a request')).toBe(true);
  });
});

describe('createApp: auth, request ids, draining', () => {
  it('requires the bearer token on model routes only', async () => {
    const { app } = fakeApp({ authToken: 's3cret' });
    const none = await post(app, '/v2/models/penguins/infer', validV2);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await read(none)).error).toMatch(/Authorization: expected "Bearer <token>"/);
    expect((await post(app, '/v2/models/penguins/infer', validV2, { ...JSON_HEADERS, Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await app.request('/v2/models/penguins')).status).toBe(401);
    expect((await post(app, '/v1/models/penguins:predict', { instances: [row] })).status).toBe(401);
    expect((await post(app, '/v2/models/penguins/infer', validV2, { ...JSON_HEADERS, Authorization: 'Bearer s3cret' })).status).toBe(200);
    for (const open of ['/v2/health/live', '/v2/health/ready', '/metrics', '/v2']) expect((await app.request(open)).status, open).toBe(200);
  });

  it('accepts, generates and echoes X-Request-Id', async () => {
    const { app } = fakeApp();
    expect((await app.request('/v2/health/live', { headers: { 'X-Request-Id': 'trace-42' } })).headers.get('x-request-id')).toBe('trace-42');
    const generated = (await app.request('/v2/health/live')).headers.get('x-request-id');
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = (await app.request('/v2/health/live', { headers: { 'X-Request-Id': 'a b\u00e9'.repeat(3) } })).headers.get('x-request-id');
    expect(unsafe).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('while draining: not ready, inference 503, connections closed, liveness still 200', async () => {
    const { app, state } = fakeApp();
    state.draining = true;
    expect((await app.request('/v2/health/ready')).status).toBe(503);
    const infer = await post(app, '/v2/models/penguins/infer', validV2);
    expect(infer.status).toBe(503);
    expect(infer.headers.get('connection')).toBe('close');
    expect((await read(infer)).error).toMatch(/shutting down/);
    expect((await app.request('/v2/health/live')).status).toBe(200);
  });
});

describe('createApp: metrics and logs after traffic', () => {
  it('exports the fixed metric names with bounded labels', async () => {
    const { app, metrics } = fakeApp();
    await post(app, '/v2/models/penguins/versions/1/infer', validV2);
    await post(app, '/v2/models/penguins/versions/1/infer', tensor({ shape: [3, 4], data: Array.from({ length: 12 }, () => 200) }));
    // Enough rows in the other version's window (min 10 in the fake) for a drift estimate.
    await post(app, '/v2/models/penguins/infer', tensor({ shape: [20, 4], data: Array.from({ length: 80 }, () => 500) }));
    await post(app, '/v2/models/penguins/infer', { inputs: 1 });
    await post(app, '/v2/models/some-random-name-1234/infer', validV2);
    await app.request('/no/such/path/xyz');
    const text = (await metrics.exposition()).body;
    expect(text).toContain('http_requests_total{method="POST",route="/v2/models/:model/versions/:version/infer",code="200"} 2');
    expect(text).toContain('http_requests_total{method="POST",route="/v2/models/:model/infer",code="404"} 1');
    expect(text).toContain('http_requests_total{method="GET",route="unmatched",code="404"} 1');
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="POST",route="\/v2\/models\/:model\/infer",code="200"\} \d+/);
    expect(text).toContain('model_inference_requests_total{model="penguins",version="1",outcome="success"} 2');
    expect(text).toContain('model_inference_requests_total{model="penguins",version="2",outcome="client_error"} 1');
    expect(text).toContain('model_predictions_total{model="penguins",version="1",label="Adelie"} 1');
    expect(text).toContain('model_predictions_total{model="penguins",version="1",label="Gentoo"} 4');
    expect(text).toMatch(/model_input_drift_psi\{model="penguins",version="2",feature="body_mass_g"\} [0-9.]+/);
    expect(text).not.toMatch(/model_input_drift_psi\{model="penguins",version="1"/); // 5 rows < min rows
    expect(text).toMatch(/^http_requests_in_flight \d+$/m);
    expect(text).not.toContain('some-random-name-1234');
    expect(text).not.toContain('/no/such/path');
  });

  it('writes one ECS line per request with method, route, status, duration, request id, model and version, no payload', async () => {
    const { app, lines } = fakeApp();
    await post(app, '/v2/models/penguins/versions/1/infer', tensor({ data: [12345.5, 2, 3, 4] }), { ...JSON_HEADERS, 'X-Request-Id': 'log-test-1' });
    const line = lines.find((l) => (l.http as { request?: { id?: string } } | undefined)?.request?.id === 'log-test-1');
    expect(line).toMatchObject({
      'log.level': 'info',
      'ecs.version': expect.any(String),
      '@timestamp': expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      'service.name': 'keelson',
      event: { action: 'http_request', category: ['web'], outcome: 'success', duration: expect.any(Number) },
      http: { request: { method: 'POST', id: 'log-test-1' }, response: { status_code: 200 } },
      url: { path: '/v2/models/penguins/versions/1/infer' },
      keelson: { route: '/v2/models/:model/versions/:version/infer', model: { name: 'penguins', version: '1' } },
    });
    expect(lines.filter((l) => (l.http as { request?: { id?: string } } | undefined)?.request?.id === 'log-test-1')).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('12345.5');
  });
});
