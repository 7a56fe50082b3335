import { describe, expect, it } from 'vitest';
import { createPrometheusSource, createScrapeSource, prometheusQueries } from '../../analysis/index.js';

/** The service's /metrics text for one arm (what prom-client serves), with `requests` inferences so far. */
function exposition(requests: number, errors: number, fast: number, labels: Record<string, number>, feedback?: { correct: number; incorrect: number }): string {
  const route = 'route="/v2/models/:model/infer"';
  return [
    '# TYPE http_request_duration_seconds histogram',
    `http_request_duration_seconds_bucket{le="0.005",method="POST",${route},code="200"} ${fast}`,
    `http_request_duration_seconds_bucket{le="0.01",method="POST",${route},code="200"} ${requests - errors}`,
    `http_request_duration_seconds_bucket{le="+Inf",method="POST",${route},code="200"} ${requests - errors}`,
    `http_request_duration_seconds_bucket{le="0.005",method="POST",${route},code="400"} ${errors}`,
    `http_request_duration_seconds_bucket{le="0.01",method="POST",${route},code="400"} ${errors}`,
    `http_request_duration_seconds_bucket{le="+Inf",method="POST",${route},code="400"} ${errors}`,
    // Not an inference route: must not count.
    'http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v2/health/ready",code="200"} 999',
    `model_inference_requests_total{model="penguins",version="2",outcome="success"} ${requests - errors}`,
    `model_inference_requests_total{model="penguins",version="2",outcome="client_error"} ${errors}`,
    'model_inference_requests_total{model="other",version="1",outcome="success"} 500',
    ...Object.entries(labels).map(([label, n]) => `model_predictions_total{model="penguins",version="2",label="${label}"} ${n}`),
    ...(feedback
      ? [
          `model_feedback_total{model="penguins",version="2",outcome="correct"} ${feedback.correct}`,
          `model_feedback_total{model="penguins",version="2",outcome="incorrect"} ${feedback.incorrect}`,
          // Another model's labels: must not count.
          'model_feedback_total{model="other",version="1",outcome="incorrect"} 70',
        ]
      : []),
  ].join('\n');
}

/** A fetch that answers each URL from a queue of responses (or throws when the queue says so). */
function fakeFetch(responses: Record<string, (string | Error | number)[]>): typeof fetch {
  return (async (input: string | URL | Request) => {
    const url = String(input instanceof Request ? input.url : input);
    const key = Object.keys(responses).find((k) => url.startsWith(k));
    const next = key ? responses[key]!.shift() : undefined;
    if (next === undefined || next instanceof Error) throw next ?? new Error(`no response for ${url}`);
    if (typeof next === 'number') return new Response('unavailable', { status: next });
    return new Response(next, { status: 200 });
  }) as typeof fetch;
}

describe('scrape source', () => {
  it('counts since its first snapshot, for one model, over the inference routes only', async () => {
    const source = createScrapeSource({
      baselineUrl: 'http://baseline:1',
      canaryUrl: 'http://canary:2/metrics',
      model: 'penguins',
      fetch: fakeFetch({
        'http://baseline:1/metrics': [exposition(100, 0, 60, { Adelie: 100 }), exposition(250, 1, 150, { Adelie: 180, Gentoo: 69 })],
        'http://canary:2/metrics': [exposition(40, 0, 10, { Adelie: 40 }), exposition(190, 30, 50, { Adelie: 110, Gentoo: 50 })],
      }),
    });
    const first = await source.snapshot(0);
    expect(first.baseline).toEqual({ requests: 0, errors: 0, latency: { buckets: [0.005, 0.01], counts: [0, 0], count: 0 }, predictions: { Adelie: 0 } });
    const second = await source.snapshot(10);
    expect(second.t).toBe(10);
    expect(second.baseline).toEqual({ requests: 150, errors: 1, latency: { buckets: [0.005, 0.01], counts: [91, 150], count: 150 }, predictions: { Adelie: 80, Gentoo: 69 } });
    expect(second.canary).toEqual({ requests: 150, errors: 30, latency: { buckets: [0.005, 0.01], counts: [70, 150], count: 150 }, predictions: { Adelie: 70, Gentoo: 50 } });
  });

  it('reads labelled feedback (model_feedback_total) as counters from the first snapshot; none before the first label', async () => {
    const source = createScrapeSource({
      baselineUrl: 'http://b',
      canaryUrl: 'http://c',
      model: 'penguins',
      fetch: fakeFetch({
        'http://b/': [exposition(10, 0, 5, {}, { correct: 4, incorrect: 0 }), exposition(50, 0, 25, {}, { correct: 44, incorrect: 1 }), exposition(5, 0, 2, {}, { correct: 3, incorrect: 0 })],
        'http://c/': [exposition(10, 0, 5, {}), exposition(50, 0, 25, {}, { correct: 30, incorrect: 10 }), exposition(60, 0, 30, {}, { correct: 36, incorrect: 12 })],
      }),
    });
    const first = await source.snapshot(0);
    expect(first.baseline!.feedback).toEqual({ correct: 0, incorrect: 0 });
    expect(first.canary!.feedback).toBeUndefined();
    const second = await source.snapshot(1);
    expect(second.baseline!.feedback).toEqual({ correct: 40, incorrect: 1 });
    // Labels the canary got before its first series existed count from 0.
    expect(second.canary!.feedback).toEqual({ correct: 30, incorrect: 10 });
    // The baseline restarted: its counters go on from where they were.
    expect((await source.snapshot(2)).baseline!.feedback).toEqual({ correct: 43, incorrect: 1 });
  });

  it('keeps counting across a restarted process (counters back to 0)', async () => {
    const source = createScrapeSource({
      baselineUrl: 'http://b',
      canaryUrl: 'http://c',
      model: 'penguins',
      fetch: fakeFetch({
        'http://b/': [exposition(100, 0, 50, {}), exposition(160, 0, 80, {}), exposition(20, 0, 10, {})],
        'http://c/': [exposition(100, 0, 50, {}), exposition(160, 0, 80, {}), exposition(20, 0, 10, {})],
      }),
    });
    await source.snapshot(0);
    expect((await source.snapshot(1)).baseline!.requests).toBe(60);
    expect((await source.snapshot(2)).baseline!.requests).toBe(80);
  });

  it('a failed scrape (refused, HTTP error, not the exposition format) is a null arm, never zeros', async () => {
    const source = createScrapeSource({
      baselineUrl: 'http://b',
      canaryUrl: 'http://c',
      fetch: fakeFetch({ 'http://b/': [exposition(1, 0, 1, {}), exposition(1, 0, 1, {}), exposition(1, 0, 1, {})], 'http://c/': [new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), 503, '<html>oops</html>'] }), // refused twice: the retry too
    });
    const why: (string | undefined)[] = [];
    for (let t = 0; t < 3; t++) {
      const snapshot = await source.snapshot(t);
      expect(snapshot.baseline).not.toBeNull();
      expect(snapshot.canary).toBeNull();
      expect(snapshot.missing?.baseline).toBeUndefined();
      why.push(snapshot.missing?.canary);
    }
    // the judge quotes why: a rollout that holds for lack of data says what to fix
    expect(why[0]).toMatch(/^GET http:\/\/c\/metrics: ECONNREFUSED/);
    expect(why[1]).toBe('GET http://c/metrics: HTTP 503');
    expect(why[2]).toMatch(/^GET http:\/\/c\/metrics: metrics line 1: expected a metric name: "<html>oops<\/html>"/);
  });

  it('tries a scrape once more after a connection failure (a reused keep-alive connection the server closed), not after a timeout', async () => {
    const timeout = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    const source = createScrapeSource({
      baselineUrl: 'http://b',
      canaryUrl: 'http://c',
      fetch: fakeFetch({
        'http://b/': [new TypeError('fetch failed (other side closed)'), exposition(1, 0, 1, {})],
        'http://c/': [timeout, exposition(1, 0, 1, {})],
      }),
    });
    const snapshot = await source.snapshot(0);
    expect(snapshot.baseline).not.toBeNull();
    expect(snapshot.canary).toBeNull();
  });
});

describe('Prometheus source', () => {
  it('builds per-arm PromQL from the service metric names and the arm label', () => {
    const q = prometheusQueries({ model: 'penguins', armLabel: 'track', values: { baseline: 'base', canary: 'can.ary' } });
    expect(q.requests).toBe('sum by (track, outcome) (model_inference_requests_total{track=~"base|can\\\\.ary", model="penguins"})');
    expect(q.latency).toContain('sum by (track, le) (http_request_duration_seconds_bucket{track=~"base|can\\\\.ary", route=~"/v2/models/:model/infer|');
    expect(q.predictions).toBe('sum by (track, label) (model_predictions_total{track=~"base|can\\\\.ary", model="penguins"})');
    expect(q.feedback).toBe('sum by (track, outcome) (model_feedback_total{track=~"base|can\\\\.ary", model="penguins"})');
  });

  const vector = (result: { metric: Record<string, string>; value: number }[]) =>
    JSON.stringify({ status: 'success', data: { resultType: 'vector', result: result.map((r) => ({ metric: r.metric, value: [1, String(r.value)] })) } });

  it('reads both arms from instant queries, relative to the first snapshot; an arm without series is null', async () => {
    const responses: string[] = [];
    const round = (n: number, canary: boolean) => [
      vector([
        { metric: { variant: 'baseline', le: '0.005' }, value: n / 2 },
        { metric: { variant: 'baseline', le: '+Inf' }, value: n },
        ...(canary ? [{ metric: { variant: 'canary', le: '0.005' }, value: n / 4 }, { metric: { variant: 'canary', le: '+Inf' }, value: n }] : []),
      ]),
      vector([
        { metric: { variant: 'baseline', outcome: 'success' }, value: n },
        ...(canary ? [{ metric: { variant: 'canary', outcome: 'success' }, value: n - 10 }, { metric: { variant: 'canary', outcome: 'server_error' }, value: 10 }] : []),
      ]),
      vector([{ metric: { variant: 'baseline', label: 'Adelie' }, value: n }]),
      // Labelled feedback: only the baseline's, and only from the second look (a series appears with its first label).
      vector(canary ? [{ metric: { variant: 'baseline', outcome: 'correct' }, value: n / 10 }, { metric: { variant: 'baseline', outcome: 'incorrect' }, value: 3 }] : []),
    ];
    responses.push(...round(100, false), ...round(300, true));
    const fetch = (async () => new Response(responses.shift() ?? 'gone', { status: 200 })) as unknown as typeof globalThis.fetch;
    const source = createPrometheusSource({ url: 'http://prometheus:9090', model: 'penguins', fetch });
    const first = await source.snapshot(0);
    expect(first.canary).toBeNull();
    expect(first.missing).toEqual({ canary: 'Prometheus has no series with variant="canary" (not scraped yet, or labelled otherwise)' });
    expect(first.baseline!.requests).toBe(0);
    const second = await source.snapshot(5);
    expect(second.baseline).toEqual({ requests: 200, errors: 0, latency: { buckets: [0.005], counts: [100], count: 200 }, predictions: { Adelie: 200 }, feedback: { correct: 30, incorrect: 3 } });
    // The canary's first appearance is its origin.
    expect(second.canary).toEqual({ requests: 0, errors: 0, latency: { buckets: [0.005], counts: [0], count: 0 }, predictions: {} });
  });

  it('a failing query makes both arms null', async () => {
    const fetch = (async () => new Response(JSON.stringify({ status: 'error', error: 'bad query' }), { status: 400 })) as unknown as typeof globalThis.fetch;
    const why = 'Prometheus at http://p: query failed: 400';
    expect(await createPrometheusSource({ url: 'http://p', fetch }).snapshot(3)).toEqual({ t: 3, baseline: null, canary: null, missing: { baseline: why, canary: why } });
    const refused = (async () => Promise.reject(new Error('ECONNREFUSED'))) as unknown as typeof globalThis.fetch;
    const down = 'Prometheus at http://p: ECONNREFUSED';
    expect(await createPrometheusSource({ url: 'http://p', fetch: refused }).snapshot(4)).toEqual({ t: 4, baseline: null, canary: null, missing: { baseline: down, canary: down } });
  });
});
