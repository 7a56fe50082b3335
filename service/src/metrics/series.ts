/**
 * Counters and histograms whose labelled series are resolved once and then updated with plain arithmetic.
 * prom-client hashes and validates the label object on every `inc`/`observe` (several µs per request on the
 * thread that serves HTTP); these keep prom-client's registry, names and exposition format.
 */
import { Counter, Histogram, type CounterConfiguration, type HistogramConfiguration } from 'prom-client';

type Labels<L extends string> = Record<L, string>;

/** One series of a `SeriesCounter`. */
export interface CounterSeries {
  inc(by?: number): void;
}

/** One series of a `SeriesHistogram`. */
export interface HistogramSeries {
  observe(value: number): void;
}

function keyOf(names: readonly string[], labels: Record<string, string>): string {
  let key = '';
  for (const name of names) key += `${labels[name]}\u0001`;
  return key;
}

class PendingCount implements CounterSeries {
  pending = 0;
  constructor(readonly labels: Record<string, string>) {}

  inc(by = 1): void {
    this.pending += by;
  }
}

/** A prom-client Counter whose series add up in place; increments reach prom-client at scrape time (`collect`). */
export class SeriesCounter<L extends string> extends Counter<L> {
  private readonly children: Map<string, PendingCount>;
  private readonly names: readonly L[];

  constructor(config: CounterConfiguration<L> & { labelNames: readonly L[] }) {
    const children = new Map<string, PendingCount>();
    super({
      ...config,
      collect(this: Counter<L>) {
        for (const child of children.values()) {
          if (child.pending === 0) continue;
          this.inc(child.labels as Labels<L>, child.pending);
          child.pending = 0;
        }
      },
    });
    this.children = children;
    this.names = config.labelNames;
  }

  /** The series of these label values (created on first use). */
  series(labels: Labels<L>): CounterSeries {
    const key = keyOf(this.names, labels);
    let child = this.children.get(key);
    if (!child) {
      child = new PendingCount({ ...labels });
      this.children.set(key, child);
    }
    return child;
  }
}

/** prom-client's internal exposition entry (the registry formats `labels` and `sharedLabels` together). */
interface ExpositionValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
}

class BucketCounts implements HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly labels: Record<string, string>, private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length);
  }

  observe(value: number): void {
    const { bounds } = this;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    if (i < bounds.length) this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

/** A prom-client Histogram whose series count buckets in place; they are added to its exposition. */
export class SeriesHistogram<L extends string> extends Histogram<L> {
  private readonly children = new Map<string, BucketCounts>();
  private readonly names: readonly L[];
  private readonly bounds: readonly number[];
  private readonly metricName: string;

  constructor(config: HistogramConfiguration<L> & { labelNames: readonly L[]; buckets: number[] }) {
    super(config);
    this.names = config.labelNames;
    this.bounds = [...config.buckets].sort((a, b) => a - b);
    this.metricName = config.name;
  }

  /** The series of these label values (created on first use). */
  series(labels: Labels<L>): HistogramSeries {
    const key = keyOf(this.names, labels);
    let child = this.children.get(key);
    if (!child) {
      child = new BucketCounts({ ...labels }, this.bounds);
      this.children.set(key, child);
    }
    return child;
  }

  /** Called by prom-client's registry (and by `get()`); appends the in-place series in prom-client's own shape. */
  async getForPromString(): Promise<{ values: ExpositionValue[] }> {
    const base = await (Histogram.prototype as unknown as { getForPromString(this: Histogram<L>): Promise<{ values: ExpositionValue[] }> })
      .getForPromString.call(this);
    const bucket = `${this.metricName}_bucket`;
    for (const child of this.children.values()) {
      if (child.count === 0) continue; // as prom-client: a series appears with its first observation
      let cumulative = 0;
      this.bounds.forEach((le, i) => {
        cumulative += child.counts[i]!;
        base.values.push({ labels: { le }, sharedLabels: child.labels, value: cumulative, metricName: bucket });
      });
      base.values.push(
        { labels: { le: '+Inf' }, sharedLabels: child.labels, value: child.count, metricName: bucket },
        { labels: {}, sharedLabels: child.labels, value: child.sum, metricName: `${this.metricName}_sum` },
        { labels: {}, sharedLabels: child.labels, value: child.count, metricName: `${this.metricName}_count` },
      );
    }
    return base;
  }
}
