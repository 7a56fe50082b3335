import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startRouter, type Router } from '../../platform/router/router.js';
import { decodeInferResponse, encodeBinaryRequest, typedOutput } from '../../platform/traffic/binary-body.js';
import { runTraffic } from '../../platform/traffic/generator.js';
import { fromFloat16Bits, toFloat16Bits } from '../../service/src/protocol/float16.js';
import { writeFp16Model } from './fp16-model.js';
import { killIfRunning, spawnKeelson, waitFor200, type KeelsonProcess } from './serve-process.js';

// A real `keelson serve` (penguins 2 and a model with FP16 graph I/O), real HTTP, and the router in front of it:
// the binary tensor extension gives the same answers as JSON, and every malformed binary body gets a clear 400.
const modelsDir = inject('modelsDir');
const ROWS = [39.1, 18.7, 181, 3750, 50, 15.2, 220, 5000];
const BODY_LIMIT = 64 * 1024;

let server: KeelsonProcess;
let url = '';
let repo = '';

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), 'keelson-binary-'));
  cpSync(join(modelsDir, 'penguins', '2'), join(repo, 'penguins', '2'), { recursive: true });
  writeFp16Model(repo);
  server = spawnKeelson(['serve', '--models', repo, '--model', 'penguins:2', '--model', 'half:1', '--port', '0', '--workers', '1', '--body-limit', `${BODY_LIMIT}`]);
  url = await server.listening;
  await waitFor200(`${url}/v2/health/ready`);
}, 60_000);
afterAll(() => {
  killIfRunning(server);
  rmSync(repo, { recursive: true, force: true });
});

interface Answer { status: number; headers: Headers; bytes: Buffer }
const post = async (path: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> => {
  const res = await fetch(`${url}${path}`, { method: 'POST', headers, body });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
};
const decode = (answer: Answer) => decodeInferResponse(answer.bytes, answer.headers.get('inference-header-content-length'));
const jsonInfer = (path: string, body: unknown) => post(path, JSON.stringify(body), { 'content-type': 'application/json' });
const penguinsJson = { inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: ROWS }] };
const penguinsBinary = (options?: Parameters<typeof encodeBinaryRequest>[1]) =>
  encodeBinaryRequest([{ name: 'features', datatype: 'FP32', shape: [2, 4], data: Float32Array.from(ROWS) }], options);
/** A binary body with a hand-written JSON header (for malformed cases). */
const rawBinary = (header: unknown, tail: Uint8Array, headerLength?: string) => {
  const json = Buffer.from(JSON.stringify(header));
  return { body: Buffer.concat([json, tail]), headers: { 'content-type': 'application/octet-stream', 'inference-header-content-length': headerLength ?? String(json.length) } };
};
const errorOf = (answer: Answer) => (JSON.parse(answer.bytes.toString('utf8')) as { error: string }).error;

describe('binary tensor data extension (real keelson serve)', () => {
  it('is advertised in server metadata', async () => {
    const body = (await (await fetch(`${url}/v2`)).json()) as { extensions: string[] };
    expect(body.extensions).toContain('binary_tensor_data');
  });

  it('binary inputs give the same outputs as JSON; binary outputs carry the same values', async () => {
    const json = decode(await jsonInfer('/v2/models/penguins/infer', penguinsJson)).json;
    const jsonOut = (await post('/v2/models/penguins/infer', penguinsBinary({ binaryOutputs: false }).body, penguinsBinary({ binaryOutputs: false }).headers));
    expect(jsonOut.status).toBe(200);
    expect(jsonOut.headers.get('content-type')).toBe('application/json');
    expect(jsonOut.headers.get('inference-header-content-length')).toBeNull();
    expect(JSON.parse(jsonOut.bytes.toString())).toEqual(json);

    const request = penguinsBinary();
    const answer = await post('/v2/models/penguins/infer', request.body, request.headers);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/octet-stream');
    const headerLength = Number(answer.headers.get('inference-header-content-length'));
    expect(Number(answer.headers.get('content-length'))).toBe(headerLength + 2 * 3 * 4 + 2 * 8);
    const decoded = decode(answer);
    expect(decoded.json.outputs!.map((o) => [o.name, o.parameters])).toEqual([['probabilities', { binary_data_size: 24 }], ['label', { binary_data_size: 16 }]]);
    const probabilities = json.outputs!.find((o) => o.name === 'probabilities')!;
    expect(Array.from(typedOutput(decoded.outputs.find((o) => o.name === 'probabilities')!) as Float32Array)).toEqual(probabilities.data);
    expect(Array.from(typedOutput(decoded.outputs.find((o) => o.name === 'label')!) as BigInt64Array, Number)).toEqual([0, 2]);
  });

  it('binary_data on one output overrides binary_data_output; the order of the header is the order of the bytes', async () => {
    const json = Buffer.from(JSON.stringify({
      parameters: { binary_data_output: true },
      inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], parameters: { binary_data_size: 32 } }],
      outputs: [{ name: 'label' }, { name: 'probabilities', parameters: { binary_data: false } }],
    }));
    const answer = await post('/v2/models/penguins/infer', Buffer.concat([json, Buffer.from(Float32Array.from(ROWS).buffer)]), { 'inference-header-content-length': String(json.length) });
    expect(answer.status).toBe(200);
    const { json: header, outputs } = decode(answer);
    expect(header.outputs!.map((o) => o.name)).toEqual(['label', 'probabilities']);
    expect(outputs[0]!.bytes).toHaveLength(16);
    expect(outputs[1]!.data).toHaveLength(6);
  });

  it('a raw binary request (Inference-Header-Content-Length: 0) deduces the batch from the byte count', async () => {
    const answer = await post('/v2/models/penguins/infer', Buffer.from(Float32Array.from(ROWS).buffer), { 'content-type': 'application/octet-stream', 'inference-header-content-length': '0' });
    expect(answer.status).toBe(200);
    const label = decode(answer).outputs.find((o) => o.name === 'label')!;
    expect(label.shape).toEqual([2]);
    expect(Array.from(typedOutput(label) as BigInt64Array, Number)).toEqual([0, 2]);
    const odd = await post('/v2/models/penguins/infer', Buffer.alloc(20), { 'inference-header-content-length': '0' });
    expect(odd.status).toBe(400);
    expect(errorOf(odd)).toMatch(/20 bytes are not a whole number of 16-byte \[-1,4\] FP32 tensors for input "features"/);
  });

  it('the Hono path (a percent-encoded model name) answers binary requests with the same bytes', async () => {
    const request = penguinsBinary();
    const fast = await post('/v2/models/penguins/infer', request.body, request.headers);
    const hono = await post('/v2/models/pengu%69ns/infer', request.body, request.headers);
    expect(hono.status).toBe(200);
    expect(hono.headers.get('inference-header-content-length')).toBe(fast.headers.get('inference-header-content-length'));
    expect(hono.bytes.equals(fast.bytes)).toBe(true);
  });

  it.each([
    ['header length beyond the body', rawBinary({ inputs: [] }, new Uint8Array(0), '5000'), /Inference-Header-Content-Length: 5000 bytes of JSON header announced, but the body has only \d+ bytes/],
    ['header length not a number', rawBinary({ inputs: [] }, new Uint8Array(0), 'ten'), /Inference-Header-Content-Length: "ten" is not a byte count/],
    ['header not JSON', { body: Buffer.from('{"inputs": [oops'), headers: { 'inference-header-content-length': '10' } }, /the first 10 bytes \(Inference-Header-Content-Length\) are not valid JSON/],
    ['size vs shape', rawBinary({ inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], parameters: { binary_data_size: 24 } }] }, new Uint8Array(24)),
      /inputs\[0\]\.parameters\.binary_data_size: 24 bytes, but shape \[2,4\] of FP32 needs 8 × 4 = 32 bytes/],
    ['size beyond the body', rawBinary({ inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], parameters: { binary_data_size: 32 } }] }, new Uint8Array(20)),
      /inputs\[0\]\.parameters: binary_data_size 32 exceeds the 20 bytes of binary data left after the JSON header \(20 in all\)/],
    ['sizes do not add up', rawBinary({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } }] }, new Uint8Array(20)),
      /the binary_data_size values add up to 16 bytes, but 20 bytes follow the JSON header/],
    ['absurd shape claim', rawBinary({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1e12, 4], parameters: { binary_data_size: 16 } }] }, new Uint8Array(16)),
      /binary_data_size: 16 bytes, but shape \[1000000000000,4\] of FP32 needs 4000000000000 × 4 = 16000000000000 bytes/],
    ['data and binary_data_size', rawBinary({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4], parameters: { binary_data_size: 16 } }] }, new Uint8Array(16)),
      /inputs\[0\]\.data: must be absent when parameters\.binary_data_size is given/],
    ['a negative size', rawBinary({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: -16 } }] }, new Uint8Array(16)),
      /inputs\[0\]\.parameters\.binary_data_size: -16 is not a byte count/],
    ['BYTES as binary', rawBinary({ inputs: [{ name: 'features', datatype: 'BYTES', shape: [1, 4], parameters: { binary_data_size: 16 } }] }, new Uint8Array(16)),
      /inputs\[0\]\.datatype: BYTES is not supported over JSON or binary data by this server; input "features" expects FP32/],
    ['binary_data_output not a boolean', rawBinary({ parameters: { binary_data_output: 'yes' }, inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } }] }, new Uint8Array(16)),
      /parameters\.binary_data_output: expected true or false, got "yes"/],
  ])('400 for %s, naming the input and the numbers', async (_what, request, message) => {
    const answer = await post('/v2/models/penguins/infer', request.body, request.headers);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatch(message);
  });

  it('binary_data_size in a JSON-only request is a 400 that says how to send binary data', async () => {
    const answer = await jsonInfer('/v2/models/penguins/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 4], parameters: { binary_data_size: 16 } }] });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatch(/binary_data_size: 16 given, but the request has no binary part; send the JSON header's length in Inference-Header-Content-Length/);
  });

  it('415 for a text body with the header, 413 over --body-limit, and the server keeps serving', async () => {
    const request = penguinsBinary();
    const text = await post('/v2/models/penguins/infer', request.body, { ...request.headers, 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const rows = BODY_LIMIT / 16 + 1;
    const big = encodeBinaryRequest([{ name: 'features', datatype: 'FP32', shape: [rows, 4], data: new Float32Array(rows * 4) }]);
    const tooLarge = await post('/v2/models/penguins/infer', big.body, big.headers);
    expect(tooLarge.status).toBe(413);
    expect(errorOf(tooLarge)).toMatch(/exceeds the limit of 65536 bytes/);
    const again = await post('/v2/models/penguins/infer', request.body, request.headers);
    expect(again.status).toBe(200);
  });
});

describe('FP16 tensors (a model with float16 graph I/O)', () => {
  const values = [0.5, -1.25, 1000, 3.14159];

  it('JSON FP16 in, FP16 and FP32 out', async () => {
    const answer = await jsonInfer('/v2/models/half/infer', { inputs: [{ name: 'x', datatype: 'FP16', shape: [1, 4], data: values }] });
    expect(answer.status).toBe(200);
    const { outputs } = decode(answer).json;
    const rounded = values.map((v) => fromFloat16Bits(toFloat16Bits(v))); // 3.14159 → 3.140625 in FP16
    expect(outputs!.find((o) => o.name === 'widened')).toMatchObject({ datatype: 'FP32', shape: [1, 4], data: rounded });
    expect(outputs!.find((o) => o.name === 'doubled')).toMatchObject({ datatype: 'FP16', shape: [1, 4], data: rounded.map((v) => v * 2) });
  });

  it('binary FP16 in (2 bytes per element) and out', async () => {
    const bits = Uint16Array.from(values, toFloat16Bits);
    const request = encodeBinaryRequest([{ name: 'x', datatype: 'FP16', shape: [1, 4], data: bits }]);
    const answer = await post('/v2/models/half/infer', request.body, request.headers);
    expect(answer.status).toBe(200);
    const doubled = decode(answer).outputs.find((o) => o.name === 'doubled')!;
    expect(doubled.bytes).toHaveLength(8);
    expect(Array.from(typedOutput(doubled) as Uint16Array, fromFloat16Bits)).toEqual(Array.from(bits, (b) => fromFloat16Bits(b) * 2));
  });

  it.each([
    ['FP32 to the FP16 model', '/v2/models/half/infer', { inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4], data: values }] }, /inputs\[0\]\.datatype: input "x" expects FP16, got FP32/],
    ['FP16 to the FP32 model', '/v2/models/penguins/infer', { inputs: [{ name: 'features', datatype: 'FP16', shape: [1, 4], data: values }] }, /inputs\[0\]\.datatype: input "features" expects FP32, got FP16/],
    ['a value beyond FP16', '/v2/models/half/infer', { inputs: [{ name: 'x', datatype: 'FP16', shape: [1, 4], data: [1, 2, 70000, 4] }] }, /element 2 \(row-major\) is 70000; expected a finite number for FP16 \(magnitude at most 65504\)/],
  ])('400 for %s', async (_what, path, body, message) => {
    const answer = await jsonInfer(path, body);
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatch(message);
  });
});

describe('through keelson router', () => {
  let router: Router;
  beforeAll(async () => {
    router = await startRouter({ port: 0 });
    const port = Number(new URL(url).port);
    router.setPool([{ name: 'stable-1', role: 'stable', version: '2', host: '127.0.0.1', port }], { stable: 100, baseline: 0, canary: 0 });
  });
  afterAll(() => router?.close());

  it('keelson traffic --binary: every request answered, the version read from the binary response header', async () => {
    const report = await runTraffic({ url: router.url, rps: 40, durationMs: 500, binary: true, timeoutMs: 5_000 });
    expect(report.sent).toBe(20);
    expect(report.failed).toBe(0);
    expect(report.byVersion).toEqual({ 2: 20 });
    expect(report.failures).toEqual([]);
  });

  it('passes binary request and response bodies through byte for byte', async () => {
    const request = penguinsBinary();
    const direct = await post('/v2/models/penguins/infer', request.body, request.headers);
    const res = await fetch(`${router.url}/v2/models/penguins/infer`, { method: 'POST', headers: request.headers, body: request.body });
    expect(res.status).toBe(200);
    expect(res.headers.get('inference-header-content-length')).toBe(direct.headers.get('inference-header-content-length'));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await res.arrayBuffer()).equals(direct.bytes)).toBe(true);
  });
});
