import { fakeApp } from './test/service/fake-app.js';
const { app, lines, metrics } = fakeApp();
const post = (path: string, body: unknown) => app.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
for (const [p, r] of [
  ['/v2/health/live', await app.request('/v2/health/live')],
  ['/v2', await app.request('/v2')],
  ['/v2/models/penguins', await app.request('/v2/models/penguins')],
  ['/v2/models/nope', await app.request('/v2/models/nope')],
  ['infer', await post('/v2/models/penguins/infer', { id: 'x', inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [[1, 2, 3, 4], [5, 6, 7, 8]] }] })],
  ['infer bad', await post('/v2/models/penguins/versions/1/infer', { inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [1, 2, 3, 'a', 5, 6, 7, 8] }] })],
  ['v1', await post('/v1/models/penguins:predict', { instances: [[1, 2, 3, 4], { bill_length_mm: 2, bill_depth_mm: 1, flipper_length_mm: 1, body_mass_g: 1 }] })],
  ['v1v', await post('/v1/models/penguins/versions/2:predict', { instances: [[1, 2, 3]] })],
] as const) console.log(p, r.status, r.headers.get('x-request-id'), await r.text());
console.log(lines.slice(-2));
console.log((await metrics.exposition()).body.split('\n').filter(l => l.startsWith('http_requests_total') || l.startsWith('model_')).join('\n'));
