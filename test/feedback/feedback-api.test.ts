import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, type RunningServer } from '../../service/src/server/start-server.js';
import { captureLogger } from '../service/capture-logger.js';

const modelsDir = inject('modelsDir');
const ADELIE = [39.1, 18.7, 181, 3750];
const GENTOO = [50, 15.2, 220, 5000];

describe('POST /v2/models/{m}[/versions/{v}]/feedback against a real server (onnxruntime, HTTP)', () => {
  const log = captureLogger();
  const feedbackDir = mkdtempSync(join(tmpdir(), 'keelson-feedback-'));
  let server: RunningServer;

  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: res.status, id: res.headers.get('x-request-id'), body: (await res.json()) as Record<string, unknown> };
  };
  const predict = (version: string, rows: number[][], id?: string) =>
    post(`/v2/models/penguins/versions/${version}/infer`, { inputs: [{ name: 'features', datatype: 'FP32', shape: [rows.length, 4], data: rows }] }, id ? { 'x-request-id': id } : {});
  const feedback = (body: unknown, version?: string) => post(`/v2/models/penguins${version ? `/versions/${version}` : ''}/feedback`, body);
  const metrics = async () => (await server.metrics.exposition()).body;

  beforeAll(async () => {
    server = await startServer({ modelsDir, models: ['penguins:2', 'penguins:4'], port: 0, workers: 1, logger: log.logger, feedback: { capacity: 3, ttlMs: 60_000, logDir: feedbackDir } });
    expect(await server.loaded).toBe(true);
  });
  afterAll(() => server?.close());

  it('labels an earlier prediction by its x-request-id (fast path) and counts it', async () => {
    const { id } = await predict('2', [GENTOO]);
    expect(id).toBeTruthy();
    const answer = await feedback({ request_id: id, truth: 'Gentoo' });
    expect(answer).toMatchObject({ status: 200, body: { model_version: '2', predicted: 'Gentoo', truth: 'Gentoo', outcome: 'correct', row: 0 } });
    const text = await metrics();
    expect(text).toMatch(/model_feedback_total\{model="penguins",version="2",outcome="correct"\} 1/);
    expect(text).toMatch(/model_feedback_confusion_total\{model="penguins",version="2",actual="Gentoo",predicted="Gentoo"\} 1/);
    expect(text).toMatch(/model_feedback_delay_seconds_count\{model="penguins",version="2"\} 1/);
    expect(text).toMatch(/model_reference_accuracy\{model="penguins",version="4"\} 0\.75/);
  });

  it('refuses a second label for the same row with 409, and keeps serving', async () => {
    const { id } = await predict('2', [ADELIE, GENTOO], 'two-rows');
    expect(id).toBe('two-rows');
    expect((await feedback({ request_id: 'two-rows', row: 1, truth: 'Adelie' })).body).toMatchObject({ predicted: 'Gentoo', outcome: 'incorrect' });
    const again = await feedback({ request_id: 'two-rows', row: 1, truth: 'Gentoo' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/request_id "two-rows" row 1: already labelled/);
    expect((await feedback({ request_id: 'two-rows', row: 0, truth: 'Adelie' })).status).toBe(200);
    expect((await feedback({ request_id: 'two-rows', row: 2, truth: 'Adelie' })).body.error).toMatch(/row: 2 is not held for request_id "two-rows" \(rows 0 to 1 are\)/);
  });

  it.each([
    [{ request_id: 'x', truth: 'Emperor' }, 400, /truth: expected one of the model's labels \("Adelie", "Chinstrap", "Gentoo"\), got "Emperor"/],
    [{ request_id: 'x', truth: 2 }, 400, /truth: expected one of the model's labels .*got 2/],
    [{ request_id: 'x', row: -1, truth: 'Adelie' }, 400, /row: expected the row index within the request \(a whole number >= 0, default 0\), got -1/],
    [{ request_id: 'x y', truth: 'Adelie' }, 400, /request_id: expected the x-request-id of an earlier prediction/],
    [{ request_id: 'x', label: 'Adelie' }, 400, /label: unknown field; expected only request_id, row, truth/],
    [{ truth: 'Adelie' }, 400, /expected either "request_id" .* or "inputs"/],
    [{ request_id: 'never-seen', truth: 'Adelie' }, 404, /request_id "never-seen": no prediction held for it; .*--feedback-capacity 3/],
  ])('refuses %j with %i naming the field', async (body, status, message) => {
    const answer = await feedback(body);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toMatch(message);
  });

  it('a prediction of another version is not found under a pinned path; the oldest ids are evicted beyond capacity', async () => {
    const { id } = await predict('4', [ADELIE]);
    expect((await feedback({ request_id: id, truth: 'Adelie' }, '2')).body.error).toMatch(/it was a prediction of penguins version 4, not of penguins version 2/);
    for (let i = 0; i < 3; i++) await predict('2', [ADELIE]);
    expect((await feedback({ request_id: id, truth: 'Adelie' }, '4')).status).toBe(404);
    expect(await metrics()).toMatch(/model_feedback_evictions_total\{reason="capacity"\} [1-9]/);
  });

  it('takes features inline (back-fill) and counts every row for the version that predicts them now', async () => {
    const answer = await feedback({ inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [...ADELIE, ...GENTOO] }], truth: ['Adelie', 'Gentoo'] }, '2');
    expect(answer).toMatchObject({ status: 200, body: { model_version: '2', rows: 2, correct: 2, predicted: ['Adelie', 'Gentoo'] } });
    const short = await feedback({ inputs: [{ name: 'features', datatype: 'FP32', shape: [2, 4], data: [...ADELIE, ...GENTOO] }], truth: ['Adelie'] }, '2');
    expect(short.status).toBe(400);
    expect(short.body.error).toBe('truth: expected 2 labels (one per row of inputs), got 1');
  });

  it('writes each labelled row to the ECS log and to DIR/feedback.ndjson with its features', () => {
    const events = log.lines.filter((l) => (l.event as { action?: string } | undefined)?.action === 'feedback');
    expect(events.length).toBeGreaterThanOrEqual(5);
    const records = readFileSync(join(feedbackDir, 'feedback.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.length).toBe(events.length);
    expect(records[0]).toMatchObject({ model: 'penguins', version: '2', row: 0, features: GENTOO.map((v) => Math.fround(v)), predicted: 'Gentoo', truth: 'Gentoo', outcome: 'correct' });
  });
});
