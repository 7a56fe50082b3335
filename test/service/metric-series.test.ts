import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { SeriesCounter, SeriesHistogram } from '../../service/src/metrics/series.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const LABELS = ['model', 'code'] as const;

/** Exposition lines, sorted (series order is not part of the format). */
async function lines(registry: Registry): Promise<string[]> {
  return (await registry.metrics()).split('\n').filter(Boolean).sort();
}

describe('series counters and histograms', () => {
  it('expose exactly what prom-client exposes for the same observations', async () => {
    const plain = new Registry();
    const fast = new Registry();
    const config = { name: 'x_seconds', help: 'h', labelNames: LABELS, buckets: BUCKETS };
    const histogram = new Histogram({ ...config, registers: [plain] });
    const seriesHistogram = new SeriesHistogram({ ...config, registers: [fast] });
    const counter = new Counter({ name: 'x_total', help: 'h', labelNames: LABELS, registers: [plain] });
    const seriesCounter = new SeriesCounter({ name: 'x_total', help: 'h', labelNames: LABELS, registers: [fast] });
    // bucket bounds themselves, values between and beyond them, zero, several label sets
    const values = [0, 0.001, 0.0010001, 0.01, 0.05, 0.1, 1, 1.5, 1000];
    for (const [i, value] of values.entries()) {
      const labels = { model: i % 2 === 0 ? 'penguins' : 'heavy "quoted"', code: String(200 + (i % 3)) };
      histogram.observe(labels, value);
      seriesHistogram.series(labels).observe(value);
      counter.inc(labels, i + 1);
      seriesCounter.series(labels).inc(i + 1);
    }
    expect(await lines(fast)).toEqual(await lines(plain));
    // increments after a scrape are not lost or counted twice
    counter.inc({ model: 'penguins', code: '200' });
    seriesCounter.series({ model: 'penguins', code: '200' }).inc();
    expect(await lines(fast)).toEqual(await lines(plain));
    expect((await seriesHistogram.get()).values.find((v) => v.metricName === 'x_seconds_count' && v.labels.code === '200' && v.labels.model === 'penguins')?.value).toBe(2);
  });
});
