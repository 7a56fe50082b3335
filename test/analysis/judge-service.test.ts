import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJudge } from '../../analysis/judge.js';
import { createJudgeApp, JUDGE_BODY_LIMIT_BYTES } from '../../analysis/judge-service/app.js';
import { createPrometheusSource } from '../../analysis/sources/prometheus.js';
import { prometheusLooks } from '../../analysis/sources/prometheus-range.js';
import type { Snapshot } from '../../analysis/types.js';

const START = 1_800_000_000;
const LABEL = 'rollouts_pod_template_hash';
const ARMS = { baseline: 'base1', canary: 'cana2' };

/** Per-second rates of one arm: requests and the share of them that fail; where its series exist; a counter reset. */
interface ArmRates {
  rps: number;
  errorShare: number;
  /** Seconds since START at which the arm has series (scraped and not stale); always when absent. */
  seen?: (t: number) => boolean;
  /** Seconds since START at which the process restarted (its counters start again from 0). */
  restartAt?: number;
  /** Labelled feedback per second and the share of it that is correct; no `model_feedback_total` series when absent. */
  labels?: { perSecond: number; accuracy: number };
}

type Sample = { metric: Record<string, string>; value: [number, string] };

/** Vectors as Prometheus would answer at `time`: counters that grew at the arm's rates since START. */
function vectors(query: string, time: number, rates: Partial<Record<string, ArmRates>>): Sample[] {
  const t = Math.max(0, time - START);
  return Object.entries(rates).flatMap(([hash, rate]) => {
    if (!rate || !(rate.seen?.(t) ?? true)) return [];
    const total = rate.rps * (rate.restartAt !== undefined && t >= rate.restartAt ? t - rate.restartAt : t);
    const errors = Math.round(total * rate.errorShare);
    const sample = (extra: Record<string, string>, value: number): Sample => ({ metric: { [LABEL]: hash, ...extra }, value: [time, String(value)] });
    if (query.includes('process_start_time_seconds')) return [sample({}, START)];
    if (query.includes('_bucket')) return [sample({ le: '0.1' }, Math.round(total * 0.8)), sample({ le: '0.5' }, total), sample({ le: '+Inf' }, total)];
    if (query.includes('model_inference_requests_total')) return [sample({ outcome: 'success' }, total - errors), sample({ outcome: 'server_error' }, errors)];
    if (query.includes('model_feedback_total')) {
      if (!rate.labels) return [];
      const labelled = Math.round((total / rate.rps) * rate.labels.perSecond);
      const correct = Math.round(labelled * rate.labels.accuracy);
      return [sample({ outcome: 'correct' }, correct), sample({ outcome: 'incorrect' }, labelled - correct)];
    }
    return [sample({ label: 'Adelie' }, Math.round(total * 0.6)), sample({ label: 'Gentoo' }, total - Math.round(total * 0.6))];
  });
}

/** The same series over `start..end` every `step`, as `/api/v1/query_range` answers (a point only where a series exists). */
function matrix(query: string, start: number, end: number, step: number, rates: Partial<Record<string, ArmRates>>): unknown[] {
  const series = new Map<string, { metric: Record<string, string>; values: [number, string][] }>();
  for (let n = 0; start + n * step <= end; n++) {
    for (const sample of vectors(query, start + n * step, rates)) {
      const key = JSON.stringify(sample.metric);
      if (!series.has(key)) series.set(key, { metric: sample.metric, values: [] });
      series.get(key)!.values.push(sample.value);
    }
  }
  return [...series.values()];
}

let rates: Partial<Record<string, ArmRates>> = {};
/** The judge's queries other than the arms' start time: instant ones at `time`, range ones over `start..end`. */
const queried: { path: string; time?: number; start?: number; end?: number; step?: number }[] = [];
let failRange = false;
let fake: Server;
let prometheusUrl = '';

beforeAll(async () => {
  fake = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = url.searchParams.get('query') ?? '';
    const param = (name: string) => Number(url.searchParams.get(name));
    res.setHeader('Content-Type', 'application/json');
    if (url.pathname === '/api/v1/query_range' && failRange) {
      res.statusCode = 422;
      res.end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'exceeded maximum resolution' }));
      return;
    }
    if (url.pathname === '/api/v1/query_range') {
      queried.push({ path: url.pathname, start: param('start'), end: param('end'), step: param('step') });
      res.end(JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: matrix(query, param('start'), param('end'), param('step'), rates) } }));
      return;
    }
    const time = Number(url.searchParams.get('time') ?? START + 600);
    if (!query.includes('process_start')) queried.push({ path: url.pathname, time });
    const result = query.includes('process_start') ? (vectors(query, time, rates).length ? [{ metric: {}, value: [time, String(START)] }] : []) : vectors(query, time, rates);
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
  it('replays every look from four range queries and rolls back an erroring canary', async () => {
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0 }, [ARMS.canary]: { rps: 20, errorShare: 0.3 } };
    queried.length = 0;
    const { status, body: answer } = await judge(appAt(START + 305), body());
    expect(status).toBe(200);
    expect(answer.decision).toBe('rollback');
    // What the AnalysisTemplate's jsonPath reads, and Argo keeps as the measurement's value.
    expect(answer.verdict).toEqual({ decision: 'rollback', reasons: answer.reasons });
    expect(answer.looks).toBeGreaterThan(1);
    // Looks at START + 10 s × n up to now (31 looks), one point each: four range queries (latency, requests,
    // predictions, feedback), not four per look.
    expect(queried).toEqual(Array.from({ length: 4 }, () => ({ path: '/api/v1/query_range', start: START, end: START + 300, step: 10 })));
  });

  it("decides at the analysis window's last look as the local platform does: no regression by then promotes", async () => {
    rates = { [ARMS.baseline]: { rps: 2, errorShare: 0.01 }, [ARMS.canary]: { rps: 2, errorShare: 0.01 } };
    const policy = { minRequestsPerArm: 50 };
    const open = await judge(appAt(START + 125), body({ policy, analysis: { start: 'arms-created', canaryWeight: '20', minStepRequests: 100 } }));
    expect(open.body.decision).toBe('continue');
    const windowed = await judge(appAt(START + 125), body({ policy, analysis: { start: 'arms-created', canaryWeight: '20', minStepRequests: 100, timeoutSeconds: 120 } }));
    expect(windowed.status).toBe(200);
    expect(windowed.body.decision).toBe('promote');
    expect(windowed.body.reasons![0]).toMatch(/^no regression found by the end of the analysis/);
    const bad = await judge(appAt(START + 125), body({ analysis: { start: 'arms-created', canaryWeight: '20', timeoutSeconds: '0' } }));
    expect(bad.status).toBe(400);
    expect(bad.body.error).toContain("'analysis.timeoutSeconds'");
  });

  it('reads labelled feedback per arm: rolls back a less accurate canary when the policy names accuracy, "no labels" without feedback', async () => {
    const accurate = { perSecond: 2, accuracy: 0.98 };
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0, labels: accurate }, [ARMS.canary]: { rps: 20, errorShare: 0, labels: { perSecond: 2, accuracy: 0.75 } } };
    const policy = { minRequestsPerArm: 50, metrics: { accuracy: { tolerance: 0.02 } } };
    const shifted = await judge(appAt(START + 305), body({ policy }));
    expect(shifted.status).toBe(200);
    expect(shifted.body.decision).toBe('rollback');
    expect(shifted.body.reasons![0]).toMatch(/^canary accuracy 7\d(\.\d)?% vs baseline 9\d(\.\d)?% \(−2\d(\.\d)? pts, 95% bounds .* pts\) after \d+ labelled canary predictions: below baseline beyond the 2 pts tolerance$/);
    // The default policy does not read accuracy at all.
    expect((await judge(appAt(START + 305), body({ policy: { minRequestsPerArm: 50 } }))).body.decision).not.toBe('rollback');

    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0 }, [ARMS.canary]: { rps: 20, errorShare: 0 } };
    const unlabelled = await judge(appAt(START + 305), body({ policy }));
    expect(unlabelled.body.decision).not.toBe('rollback');
    expect(unlabelled.body.reasons).toContain('accuracy: no labels (no labelled feedback in either arm); it takes part once both arms have some');
  });

  it('splits the looks into range queries of at most rangePoints points, with the same answer', async () => {
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0.01 }, [ARMS.canary]: { rps: 20, errorShare: 0.01 } };
    const whole = await judge(appAt(START + 200), body());
    queried.length = 0;
    const split = await judge(createJudgeApp({ prometheusUrl, intervalMs: 10_000, now: () => START + 200, rangePoints: 8 }), body());
    expect(split.body).toEqual(whole.body);
    // 21 looks: 0–7, 8–15, 16–20.
    const ranges = new Set(queried.map((q) => `${q.path} ${q.start! - START}..${q.end! - START}`));
    expect([...ranges].sort()).toEqual(['/api/v1/query_range 0..70', '/api/v1/query_range 160..200', '/api/v1/query_range 80..150']);
    expect(queried).toHaveLength(12);
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
    const weight = await judge(app, body({ analysis: { canaryWeight: '60' } }));
    expect(weight.status).toBe(400);
    expect(weight.body.error).toContain("'analysis.canaryWeight' (\"60\") must be a percentage 0..50 (the baseline gets the same share");
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

  it('answers 503 when Prometheus refuses the range queries', async () => {
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0 }, [ARMS.canary]: { rps: 20, errorShare: 0 } };
    failRange = true;
    try {
      const { status, body: answer } = await judge(appAt(START + 60), body());
      expect(status).toBe(503);
      expect(answer.error).toContain('range query failed: 422 exceeded maximum resolution');
    } finally {
      failRange = false;
    }
  });

  it('answers /healthz', async () => {
    expect((await appAt(START).request('/healthz')).status).toBe(200);
  });

  it('refuses a body over 64 KiB with 413 before parsing it, and keeps answering', async () => {
    const app = appAt(START + 300);
    const huge = JSON.stringify({ ...body(), padding: 'x'.repeat(JUDGE_BODY_LIMIT_BYTES) });
    const refused = await app.request('/v1/judge', { method: 'POST', body: huge, headers: { 'Content-Type': 'application/json' } });
    expect(refused.status).toBe(413);
    expect(((await refused.json()) as { error: string }).error).toContain(`body over ${JUDGE_BODY_LIMIT_BYTES} bytes`);
    expect((await judge(app, body())).status).toBe(200);
  });
});

describe('keelson judge serve: the split traffic on /metrics', () => {
  const weightsOf = async (app: ReturnType<typeof createJudgeApp>) => {
    const text = await (await app.request('/metrics')).text();
    return Object.fromEntries([...text.matchAll(/^keelson_rollout_weight\{model="penguins",variant="(\w+)"\} (\d+)$/gm)].map((m) => [m[1], Number(m[2])]));
  };

  it("exports the step's weights while it continues, stable 100 once a verdict ends the step or the calls stop", async () => {
    let now = START + 60;
    const app = createJudgeApp({ prometheusUrl, intervalMs: 10_000, now: () => now });
    expect(await weightsOf(app)).toEqual({});
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0.01 } };
    expect((await judge(app, body())).body.decision).toBe('continue');
    expect(await weightsOf(app)).toEqual({ stable: 60, baseline: 20, canary: 20 });
    // Three intervals (at least a minute) without a call: the analysis has ended one way or another.
    now += 60;
    expect(await weightsOf(app)).toEqual({ stable: 60, baseline: 20, canary: 20 });
    now += 1;
    expect(await weightsOf(app)).toEqual({ stable: 100, baseline: 0, canary: 0 });
    rates = { [ARMS.baseline]: { rps: 20, errorShare: 0 }, [ARMS.canary]: { rps: 20, errorShare: 0.3 } };
    now = START + 300;
    expect((await judge(app, body({ analysis: { canaryWeight: 5 } }))).body.decision).toBe('rollback');
    expect(await weightsOf(app)).toEqual({ stable: 100, baseline: 0, canary: 0 });
    // A 503 still means Argo runs the step at its weight.
    const down = createJudgeApp({ prometheusUrl: 'http://127.0.0.1:1', intervalMs: 10_000, now: () => now });
    expect((await judge(down, body({ analysis: { canaryWeight: 5 } }))).status).toBe(503);
    expect(await weightsOf(down)).toEqual({ stable: 90, baseline: 5, canary: 5 });
  });
});

describe('range-query replay gives the snapshots of the per-look replay', () => {
  const source = () => ({ url: prometheusUrl, armLabel: LABEL, values: ARMS, model: 'penguins', onFailure: 'throw' as const });
  const scenarios: Record<string, Partial<Record<string, ArmRates>>> = {
    'erroring canary': { [ARMS.baseline]: { rps: 20, errorShare: 0 }, [ARMS.canary]: { rps: 20, errorShare: 0.3 } },
    'canary scraped late, baseline stale for a while, canary restarted': {
      [ARMS.baseline]: { rps: 15, errorShare: 0.01, seen: (t) => t < 95 || t > 135 },
      [ARMS.canary]: { rps: 15, errorShare: 0.01, seen: (t) => t >= 35, restartAt: 150 },
    },
  };

  it.each(Object.entries(scenarios))('%s', async (_name, scenario) => {
    rates = scenario;
    const looks = 31;
    const perLook = createPrometheusSource({ ...source(), at: START });
    const expected: Snapshot[] = [];
    for (let n = 0; n < looks; n++) expected.push(await perLook.snapshot(n * 10));
    const ranged = await prometheusLooks(source(), { start: START, step: 10, looks });
    const chunked = await prometheusLooks(source(), { start: START, step: 10, looks, maxPoints: 4 });
    expect(ranged).toEqual(expected);
    expect(chunked).toEqual(expected);
    const verdicts = (snapshots: Snapshot[]) => {
      const judge = createJudge({ minRequestsPerArm: 50 });
      return snapshots.map((s) => judge.evaluate(s));
    };
    expect(verdicts(ranged)).toEqual(verdicts(expected));
  });

  it('an arm without a point at a look is missing there, as an instant query without its series', async () => {
    rates = scenarios['canary scraped late, baseline stale for a while, canary restarted']!;
    const snapshots = await prometheusLooks(source(), { start: START, step: 10, looks: 20 });
    expect(snapshots.map((s) => [s.baseline !== null, s.canary !== null])).toEqual(
      Array.from({ length: 20 }, (_, n) => [n * 10 < 95 || n * 10 > 135, n * 10 >= 35]),
    );
    expect(snapshots[10]!.missing).toEqual({ baseline: `Prometheus has no series with ${LABEL}="${ARMS.baseline}" (not scraped yet, or labelled otherwise)` });
    // Relative to the canary's first look with data (t = 40), carried across the restart at t = 150 from the last
    // look before it (t = 140): what the process counted between that look and its restart is never seen.
    expect(snapshots[4]!.canary!.requests).toBe(0);
    expect(snapshots[19]!.canary!.requests).toBe(15 * (140 - 40) + 15 * (190 - 150));
  });
});
