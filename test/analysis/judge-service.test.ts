import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJudgeApp } from '../../analysis/judge-service/app.js';

const START = 1_800_000_000;
const LABEL = 'rollouts_pod_template_hash';
const ARMS = { baseline: 'base1', canary: 'cana2' };

/** Per-second rates of one arm: requests and the share of them that fail. */
interface ArmRates {
  rps: number;
  errorShare: number;
}

/** Vectors as Prometheus would answer at `time`: counters that grew at the arm's rates since START. */
function vectors(query: string, time: number, rates: Partial<Record<string, ArmRates>>): unknown[] {
  const t = Math.max(0, time - START);
  return Object.entries(rates).flatMap(([hash, rate]) => {
    if (!rate) return [];
    const total = rate.rps * t;
    const errors = Math.round(total * rate.errorShare);
    const sample = (extra: Record<string, string>, value: number) => ({ metric: { [LABEL]: hash, ...extra }, value: [time, String(value)] });
    if (query.includes('process_start_time_seconds')) return [sample({}, START)];
    if (query.includes('_bucket')) return [sample({ le: '0.1' }, total), sample({ le: '+Inf' }, total)];
    if (query.includes('model_inference_requests_total')) return [sample({ outcome: 'success' }, total - errors), sample({ outcome: 'server_error' }, errors)];
    return [sample({ label: 'Adelie' }, total)];
  });
}

let rates: Partial<Record<string, ArmRates>> = {};
const queried: number[] = [];
let fake: Server;
let prometheusUrl = '';

beforeAll(async () => {
  fake = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = url.searchParams.get('query') ?? '';
    const time = Number(url.searchParams.get('time') ?? START + 600);
    if (!query.includes('process_start')) queried.push(time);
    const result = query.includes('process_start') ? (vectors(query, time, rates).length ? [{ metric: {}, value: [time, String(START)] }] : []) : vectors(query, time, rates);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
  prometheusUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => fake.close(() => resolve())));

const body = (over: Record<string, unknown> = {}) => ({
  model: { name: 'penguins', version: '2', sha256: 'ab' },
  arms: ARMS,
  analysis: { start: 'arms-created', canaryWeight: '20', minStepRequests: 100 },
  policy: {},
  ...over,
});

async function judge(app: ReturnType<typeof createJudgeApp>, payload: unknown) {
  const response = await app.request('/v1/judge', { method: 'POST', body: JSON.stringify(payload), headers: { 'Content-Type': 'application/json' } });
  return { status: response.status, body: (await response.json()) as { decision?: string; reasons?: string[]; verdict?: { decision: string; reasons: string[] }; looks?: number; error?: string; metrics?: unknown[] } };
}

const appAt = (now: number, url = prometheusUrl) => createJudgeApp({ prometheusUrl: url, intervalMs: 10_000, now: () => now });

describe('keelson judge serve: POST /v1/judge', () => {
  it('replays every look at its own time and rolls back an erroring canary', async () => {
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0 }, [ARMS.canary]: { rps: 20, errorShare: 0.3 } };
    queried.length = 0;
    const { status, body: answer } = await judge(appAt(START + 300), body());
    expect(status).toBe(200);
    expect(answer.decision).toBe('rollback');
    // What the AnalysisTemplate's jsonPath reads, and Argo keeps as the measurement's value.
    expect(answer.verdict).toEqual({ decision: 'rollback', reasons: answer.reasons });
    expect(answer.looks).toBeGreaterThan(1);
    // Look n is three instant queries at START + 10 s × n, in order, stopping at the verdict.
    expect(queried).toEqual(Array.from({ length: answer.looks! }, (_, n) => [START + 10 * n, START + 10 * n, START + 10 * n]).flat());
  });

  it('gives the same answer after a restart (a second app instance) and counts verdicts on /metrics', async () => {
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0.01 }, [ARMS.canary]: { rps: 20, errorShare: 0.01 } };
    const first = createJudgeApp({ prometheusUrl, intervalMs: 10_000, now: () => START + 120 });
    const before = await judge(first, body());
    const after = await judge(appAt(START + 120), body());
    expect(before.status).toBe(200);
    expect(after.body).toEqual(before.body);
    expect(before.body.decision).not.toBe('rollback');
    const metrics = await (await first.request('/metrics')).text();
    expect(metrics).toContain(`keelson_judge_decisions_total{rollout="penguins/${ARMS.canary}",decision="${before.body.decision}"} 1`);
    expect(metrics).toContain(`keelson_judge_verdict{rollout="penguins/${ARMS.canary}",decision="${before.body.decision}"} 1`);
  });

  it('continues, saying why, while an arm has no series', async () => {
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0 } };
    const { status, body: answer } = await judge(appAt(START + 60), body());
    expect(status).toBe(200);
    expect(answer.decision).toBe('continue');
    expect(answer.reasons!.join(' ')).toContain(`${LABEL}="${ARMS.canary}"`);
  });

  it('refuses a bad request with 400 naming the parameter, the value and what was expected', async () => {
    const app = appAt(START + 60);
    const bad = await judge(app, body({ arms: { baseline: 'base1', canary: '{{args.canary-hash}}' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/'arms\.canary' \("\{\{args\.canary-hash\}\}"\) must be a pod-template hash/);
    const weight = await judge(app, body({ analysis: { canaryWeight: '150' } }));
    expect(weight.status).toBe(400);
    expect(weight.body.error).toContain("'analysis.canaryWeight' (\"150\") must be a percentage 0..100");
    const policy = await judge(app, body({ policy: { alpha: 7 } }));
    expect(policy.status).toBe(400);
    expect(policy.body.error).toContain("'policy'");
    const notJson = await app.request('/v1/judge', { method: 'POST', body: '{', headers: { 'Content-Type': 'application/json' } });
    expect(notJson.status).toBe(400);
  });

  it('answers 503, never promote, when Prometheus is unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    for (const start of ['arms-created', START]) {
      const { status, body: answer } = await judge(appAt(START + 60, url), body({ analysis: { start } }));
      expect(status).toBe(503);
      expect(answer.decision).toBeUndefined();
      expect(answer.error).toContain(`Prometheus at ${url}`);
    }
  });

  it('answers /healthz', async () => {
    expect((await appAt(START).request('/healthz')).status).toBe(200);
  });
});
