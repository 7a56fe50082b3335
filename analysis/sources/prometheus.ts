import type { Snapshot } from '../types.js';
import { describeFailure, snapshotOf, type ArmReading, type MetricSource } from './source.js';
import { ERROR_OUTCOMES, SERVICE_METRICS as M, VARIANT_LABEL } from '../../contract/metrics.js';
import { INFER_ROUTE_TEMPLATES } from '../../contract/routes.js';
import { PrometheusUnavailable } from '../errors.js';
import { add, createCounterOrigin, feedbackKey, toArmSnapshot, type RawCounters } from './counters.js';

export interface PrometheusSourceOptions {
  /** Base URL of the Prometheus server, e.g. http://127.0.0.1:9090. */
  url: string;
  /** Only count inference of this model (all models when absent). */
  model?: string;
  /** The label that tells the arms apart (default `variant`). */
  armLabel?: string;
  /** Its values for the two arms (default `baseline` and `canary`). */
  values?: { baseline: string; canary: string };
  fetch?: typeof fetch;
  /** Per-query timeout in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Unix time (seconds) of `t = 0`: `snapshot(t)` then queries at `at + t` (`time=`); default: each query at now. */
  at?: number;
  /** What a failed query gives: both arms null (`no-data`, the default) or a thrown `PrometheusUnavailable`. */
  onFailure?: 'no-data' | 'throw';
}

/** One series of an instant query's answer (or one point of a range query's series). */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** The queries' answers at one time, in the order of `prometheusQueries`: latency, requests, predictions, feedback. */
export type LookResults = [latency: VectorSample[], requests: VectorSample[], predictions: VectorSample[], feedback: VectorSample[]];

/** A PromQL string literal. */
function quote(value: string): string {
  return JSON.stringify(value);
}

/** A PromQL regex matching exactly these values. */
export function anyOf(values: readonly string[]): string {
  return quote(values.map((v) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
}

/** The four instant queries, each summed per arm: latency buckets, requests by outcome, predictions by class, labelled feedback by outcome. */
export function prometheusQueries(options: Pick<PrometheusSourceOptions, 'model' | 'armLabel' | 'values'>): { latency: string; requests: string; predictions: string; feedback: string } {
  const label = options.armLabel ?? VARIANT_LABEL;
  const values = options.values ?? { baseline: 'baseline', canary: 'canary' };
  const arms = `${label}=~${anyOf([values.baseline, values.canary])}`;
  const model = options.model === undefined ? '' : `, model=${quote(options.model)}`;
  return {
    latency: `sum by (${label}, le) (${M.httpDuration}_bucket{${arms}, route=~${anyOf(INFER_ROUTE_TEMPLATES)}})`,
    requests: `sum by (${label}, outcome) (${M.inferenceRequests}{${arms}${model}})`,
    predictions: `sum by (${label}, label) (${M.predictions}{${arms}${model}})`,
    feedback: `sum by (${label}, outcome) (${M.feedback}{${arms}${model}})`,
  };
}

/** One instant query (`/api/v1/query`, at Unix `time` seconds when given); throws on any failure. */
export async function instantQuery(options: Pick<PrometheusSourceOptions, 'url' | 'fetch' | 'timeoutMs'>, promql: string, time?: number): Promise<VectorSample[]> {
  const url = new URL('/api/v1/query', options.url);
  url.searchParams.set('query', promql);
  if (time !== undefined) url.searchParams.set('time', String(time));
  const response = await (options.fetch ?? fetch)(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
  const body = (await response.json()) as { status?: string; data?: { resultType?: string; result?: VectorSample[] } };
  if (!response.ok || body.status !== 'success' || body.data?.resultType !== 'vector') throw new Error(`query failed: ${response.status}`);
  return body.data.result ?? [];
}

/** When the arms' processes started (`min(process_start_time_seconds)` over both label values), or null without series. */
export async function armsStartTime(options: PrometheusSourceOptions & { armLabel: string; values: { baseline: string; canary: string } }): Promise<number | null> {
  const promql = `min(process_start_time_seconds{${options.armLabel}=~${anyOf([options.values.baseline, options.values.canary])}})`;
  try {
    const [sample] = await instantQuery(options, promql);
    return sample ? Number(sample.value[1]) : null;
  } catch (error) {
    throw new PrometheusUnavailable(`Prometheus at ${options.url}: ${describeFailure(error)}`);
  }
}

/**
 * Turns each look's query results into a snapshot, in order: counters relative to each arm's first look with data
 * (carried across counter resets). An arm with no series in the latency, requests and predictions results is null,
 * since Prometheus has not seen it (not scraped yet, stale, or mislabelled) — the same for an instant query and a
 * range query's point. Feedback has series only once labels come, so it never decides whether an arm is there.
 */
export function createSnapshotReader(options: Pick<PrometheusSourceOptions, 'armLabel' | 'values'>): (t: number, results: LookResults) => Snapshot {
  const label = options.armLabel ?? VARIANT_LABEL;
  const values = options.values ?? { baseline: 'baseline', canary: 'canary' };
  const origins = { baseline: createCounterOrigin(), canary: createCounterOrigin() };

  function countersOf(arm: string, [latency, requests, predictions, feedback]: LookResults): RawCounters | null {
    const mine = (s: VectorSample): boolean => s.metric[label] === arm;
    if (![latency, requests, predictions].some((result) => result.some(mine))) return null;
    const counters: RawCounters = new Map([['requests', 0], ['errors', 0], ['le:+Inf', 0]]);
    for (const s of latency.filter(mine)) add(counters, `le:${s.metric.le === '+Inf' ? '+Inf' : String(Number(s.metric.le))}`, Number(s.value[1]));
    for (const s of requests.filter(mine)) {
      add(counters, 'requests', Number(s.value[1]));
      if (ERROR_OUTCOMES.includes(s.metric.outcome ?? '')) add(counters, 'errors', Number(s.value[1]));
    }
    for (const s of predictions.filter(mine)) if (s.metric.label !== undefined) add(counters, `label:${s.metric.label}`, Number(s.value[1]));
    for (const s of feedback.filter(mine)) {
      const key = feedbackKey(s.metric.outcome);
      if (key) add(counters, key, Number(s.value[1]));
    }
    return counters;
  }

  return (t, results) => {
    const arm = (name: 'baseline' | 'canary'): ArmReading => {
      const counters = countersOf(values[name], results);
      if (!counters) return { snapshot: null, why: `Prometheus has no series with ${label}="${values[name]}" (not scraped yet, or labelled otherwise)` };
      return { snapshot: toArmSnapshot(origins[name](counters)) };
    };
    return snapshotOf(t, arm('baseline'), arm('canary'));
  };
}

/**
 * Snapshots from the Prometheus HTTP API (`/api/v1/query`). A failed query makes both arms null ("no data"); an arm
 * with no series in any query is null too, since Prometheus has not seen it (not scraped yet, or mislabelled).
 */
export function createPrometheusSource(options: PrometheusSourceOptions): MetricSource {
  const queries = prometheusQueries(options);
  const read = createSnapshotReader(options);
  return {
    async snapshot(t) {
      let results: LookResults;
      try {
        const time = options.at === undefined ? undefined : options.at + t;
        results = (await Promise.all([queries.latency, queries.requests, queries.predictions, queries.feedback].map((q) => instantQuery(options, q, time)))) as LookResults;
      } catch (error) {
        const why = `Prometheus at ${options.url}: ${describeFailure(error)}`;
        if (options.onFailure === 'throw') throw new PrometheusUnavailable(why);
        const failed = { snapshot: null, why };
        return snapshotOf(t, failed, failed);
      }
      return read(t, results);
    },
  };
}
