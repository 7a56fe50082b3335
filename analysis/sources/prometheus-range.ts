import { PrometheusUnavailable } from '../errors.js';
import type { Snapshot } from '../types.js';
import { createSnapshotReader, prometheusQueries, type LookResults, type PrometheusSourceOptions, type VectorSample } from './prometheus.js';
import { describeFailure } from './source.js';

/** Prometheus refuses a range query of more than 11,000 points per series (`exceeded maximum resolution`). */
export const MAX_RANGE_POINTS = 11_000;

interface MatrixSeries {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Looks `start`, `start + step`, … `start + (looks − 1) · step` (Unix seconds), the times a per-look replay would query. */
export interface LookRange {
  start: number;
  step: number;
  looks: number;
  /** Points per range query before the looks are split into several (default and most: `MAX_RANGE_POINTS`). */
  maxPoints?: number;
}

/** One range query (`/api/v1/query_range`); throws on any failure. */
export async function rangeQuery(options: Pick<PrometheusSourceOptions, 'url' | 'fetch' | 'timeoutMs'>, promql: string, start: number, end: number, step: number): Promise<MatrixSeries[]> {
  const url = new URL('/api/v1/query_range', options.url);
  url.search = new URLSearchParams({ query: promql, start: String(start), end: String(end), step: String(step) }).toString();
  const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  const body = (await response.json()) as { status?: string; error?: string; data?: { resultType?: string; result?: MatrixSeries[] } };
  if (!response.ok || body.status !== 'success' || body.data?.resultType !== 'matrix') throw new Error(`range query failed: ${response.status}${body.error ? ` ${body.error}` : ''}`);
  return body.data.result ?? [];
}

/** Each look's samples of one query: a series counts at a look only where the matrix has a point at that look's time. */
function addToLooks(series: MatrixSeries[], range: LookRange, query: number, looks: LookResults[]): void {
  for (const { metric, values } of series) {
    for (const value of values) looks[Math.round((value[0] - range.start) / range.step)]?.[query].push({ metric, value } satisfies VectorSample);
  }
}

/**
 * Every look's snapshot from four range queries per `maxPoints` looks (latency, requests, predictions, feedback), evaluated at
 * exactly the times the per-look replay queries, so the snapshots — and the judge's verdicts — are the same as
 * `createPrometheusSource({at: start}).snapshot(n · step)` for each look n in turn. Throws `PrometheusUnavailable`.
 */
export async function prometheusLooks(options: PrometheusSourceOptions, range: LookRange): Promise<Snapshot[]> {
  const queries = prometheusQueries(options);
  const perChunk = Math.min(range.maxPoints ?? MAX_RANGE_POINTS, MAX_RANGE_POINTS);
  const results = Array.from({ length: range.looks }, (): LookResults => [[], [], [], []]);
  const chunks = Array.from({ length: Math.ceil(range.looks / perChunk) }, (_, i) => i * perChunk);
  try {
    await Promise.all(
      chunks.flatMap((first) => {
        const last = Math.min(range.looks, first + perChunk) - 1;
        return [queries.latency, queries.requests, queries.predictions, queries.feedback].map(async (promql, q) => {
          const series = await rangeQuery(options, promql, range.start + first * range.step, range.start + last * range.step, range.step);
          addToLooks(series, range, q, results);
        });
      }),
    );
  } catch (error) {
    throw new PrometheusUnavailable(`Prometheus at ${options.url}: ${describeFailure(error)}`);
  }
  const read = createSnapshotReader(options);
  return results.map((look, n) => read(n * range.step, look));
}
