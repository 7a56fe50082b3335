import { Gauge, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { countAbove, countAtOrBelow, histogramIncrement, histogramQuantile, histogramProblem } from '../../analysis/histogram.js';
import { ExpositionError, parseExposition } from '../../analysis/sources/exposition.js';

describe('cumulative histograms', () => {
  const h = { buckets: [0.001, 0.002, 0.004], counts: [10, 30, 40], count: 50 };

  it('counts below a point inside a bucket spread evenly on a log scale (linear in the first bucket)', () => {
    expect(countAtOrBelow(h, 0.0005)).toBeCloseTo(5, 12);
    // 0.002·√2 sits halfway between 0.002 and 0.004 on a log scale: half of that bucket's 10.
    expect(countAtOrBelow(h, 0.002 * Math.SQRT2)).toBeCloseTo(35, 12);
    expect(countAbove(h, 0.004)).toBe(10);
    expect(countAbove(h, 99)).toBe(10);
  });

  it('quantiles invert the interpolation; the +Inf bucket gives the last finite bound', () => {
    expect(histogramQuantile(h, 0.7)).toBeCloseTo(0.002 * Math.SQRT2, 12);
    expect(histogramQuantile(h, 0.1)).toBeCloseTo(0.0005, 12);
    expect(histogramQuantile(h, 0.95)).toBe(0.004);
    expect(histogramQuantile({ ...h, count: 0, counts: [0, 0, 0] }, 0.5)).toBeNull();
  });

  it('increments between looks never go negative (a counter reset is not a negative count)', () => {
    const later = { buckets: h.buckets, counts: [12, 35, 44], count: 55 };
    expect(histogramIncrement(later, h)).toEqual({ buckets: h.buckets, counts: [2, 5, 4], count: 5 });
    expect(histogramIncrement(h, later).count).toBe(0);
  });

  it('names what is wrong with a malformed histogram', () => {
    expect(histogramProblem(h)).toBeNull();
    expect(histogramProblem({ ...h, counts: [10, 5, 40] })).toMatch(/cumulative/);
    expect(histogramProblem({ ...h, buckets: [0.002, 0.001, 0.004] })).toMatch(/increasing/);
    expect(histogramProblem({ ...h, count: 39 })).toMatch(/count \(39\)/);
  });
});

describe('Prometheus text exposition parser', () => {
  const text = [
    '# HELP http_request_duration_seconds HTTP request duration',
    '# TYPE http_request_duration_seconds histogram',
    'http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v2/models/:model/infer",code="200"} 3',
    'http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/v2/models/:model/infer",code="200"} 4',
    'model_predictions_total{model="penguins",version="2",label="Ad\\"el\\\\ie\\n"} 7 1700000000000',
    'process_start_time_seconds 1.7e9',
    'weird_gauge{a="1",} -Inf',
    'nan_gauge NaN',
    '',
  ].join('\n');

  it('reads names, labels with escapes, special values and skips comments and timestamps', () => {
    const samples = parseExposition(text);
    expect(samples).toHaveLength(6);
    expect(samples[1]).toEqual({ name: 'http_request_duration_seconds_bucket', labels: { le: '+Inf', method: 'POST', route: '/v2/models/:model/infer', code: '200' }, value: 4 });
    expect(samples[2]).toEqual({ name: 'model_predictions_total', labels: { model: 'penguins', version: '2', label: 'Ad"el\\ie\n' }, value: 7 });
    expect(samples[3]!.value).toBe(1.7e9);
    expect(samples[4]).toEqual({ name: 'weird_gauge', labels: { a: '1' }, value: -Infinity });
    expect(samples[5]!.value).toBeNaN();
  });

  it("reads special values in any case, as Prometheus does: prom-client's own NaN is written `Nan`", async () => {
    const registry = new Registry();
    new Gauge({ name: 'idle_lag_seconds', help: 'a gauge with nothing to report', registers: [registry] }).set(NaN);
    new Gauge({ name: 'unbounded', help: 'infinite', registers: [registry] }).set(Infinity);
    const exposition = await registry.metrics();
    expect(exposition).toMatch(/^idle_lag_seconds (Nan|NaN)$/m);
    const values = Object.fromEntries(parseExposition(exposition).map((s) => [s.name, s.value]));
    expect(values.idle_lag_seconds).toBeNaN();
    expect(values.unbounded).toBe(Infinity);
    expect(parseExposition('a nan\nb -INF\nc +Infinity\n').map((s) => s.value)).toEqual([NaN, -Infinity, Infinity]);
    expect(() => parseExposition('a Nanny\n')).toThrow(/expected a number, got "Nanny"/);
  });

  it('refuses a malformed line, naming its number', () => {
    expect(() => parseExposition('ok 1\nbroken{le="1" 2\n')).toThrow(ExpositionError);
    expect(() => parseExposition('ok 1\nbroken{le="1" 2\n')).toThrow(/line 2/);
    expect(() => parseExposition('metric one\n')).toThrow(/expected a number, got "one"/);
    expect(() => parseExposition('<html>\n')).toThrow(/expected a metric name/);
  });
});
