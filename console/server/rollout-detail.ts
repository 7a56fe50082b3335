import type { MetricTrack, RolloutDetail } from '../api-schema.js';
import type { PlatformState } from '../../platform/state.js';
import { histogramQuantile, weightSeries } from '../../rollout/report/series.js';
import type { ArmSnapshot } from '../../rollout/judge-port.js';
import type { RolloutRecordBook } from '../../rollout/timeline.js';
import { summarize } from './views.js';

type Arm = 'baseline' | 'canary';
type ArmTrack = RolloutDetail['looks']['arms'][Arm];

/**
 * A rollout's page, from its journal: weights over time, per look and per arm the request rate, error rate,
 * latency quantiles (over the requests since the previous look) and class mix (cumulative), and per metric the
 * judge's statistic against its boundary. The series are the report's (`rollout/report/series.ts`) where it has them.
 */
export function rolloutDetail(book: RolloutRecordBook, state: PlatformState | null, nowMs: number): RolloutDetail {
  const summary = summarize(book, state);
  const live = summary.running ? state!.rollout! : null;
  const endT = ((summary.endedAt ? Date.parse(summary.endedAt) : nowMs) - Date.parse(book.startedAt)) / 1_000;
  const w = weightSeries(book, endT);
  // After the end everything is on stable; while running the last step's weights hold until now.
  if (summary.running) for (const v of ['stable', 'baseline', 'canary'] as const) w[v][w[v].length - 1]![1] = w[v].at(-2)![1];
  return {
    summary,
    phase: live?.phase ?? null,
    step: live?.step ?? null,
    policy: { steps: book.policy.steps, intervalMs: book.policy.intervalMs, minStepRequests: book.policy.minStepRequests, analysisTimeoutMs: book.policy.analysisTimeoutMs },
    source: book.source,
    weights: { t: w.stable.map(([t]) => t), stable: w.stable.map(([, y]) => y), baseline: w.baseline.map(([, y]) => y), canary: w.canary.map(([, y]) => y) },
    looks: {
      t: book.samples.map((s) => s.t),
      step: book.samples.map((s) => s.step),
      decision: book.samples.map((s) => s.verdict?.decision ?? null),
      reasons: book.samples.map((s) => (s.verdict ? s.verdict.reasons : [`no data from the metric source: ${s.sourceError ?? 'unknown'}`])),
      arms: { baseline: armTrack(book, 'baseline'), canary: armTrack(book, 'canary') },
    },
    metrics: metricTracks(book),
    events: book.events.map((e) => ({ t: e.t, kind: e.kind, message: e.message })),
  };
}

function armTrack(book: RolloutRecordBook, arm: Arm): ArmTrack {
  const track: ArmTrack = { rps: [], errorRate: [], p50: [], p90: [], p99: [], classShare: {} };
  const labels = new Set(book.samples.flatMap((s) => Object.keys(s.snapshot?.[arm]?.predictions ?? {})));
  for (const label of [...labels].sort()) track.classShare[label] = [];
  let previous: { t: number; counts: ArmSnapshot } | null = null;
  for (const sample of book.samples) {
    const counts = sample.snapshot?.[arm] ?? null;
    const d = counts && previous ? since(counts, previous.counts) : null;
    const dt = previous ? sample.t - previous.t : 0;
    track.rps.push(d && dt > 0 ? round(d.requests / dt) : null);
    track.errorRate.push(d && d.requests > 0 ? round((100 * d.errors) / d.requests) : null);
    for (const [key, q] of [['p50', 0.5], ['p90', 0.9], ['p99', 0.99]] as const) {
      const seconds = d ? histogramQuantile(q, d.latency.buckets, d.latency.counts, d.latency.count) : null;
      track[key].push(seconds === null ? null : round(seconds * 1_000));
    }
    const total = Object.values(counts?.predictions ?? {}).reduce((a, b) => a + b, 0);
    for (const label of labels) track.classShare[label]!.push(counts && total > 0 ? round((100 * (counts.predictions[label] ?? 0)) / total) : null);
    if (counts) previous = { t: sample.t, counts };
  }
  return track;
}

/** Counts between two looks; a counter that went down (an arm restarted) counts from zero. */
function since(current: ArmSnapshot, previous: ArmSnapshot): ArmSnapshot {
  if (current.requests < previous.requests || current.latency.buckets.length !== previous.latency.buckets.length) return current;
  return {
    requests: current.requests - previous.requests,
    errors: current.errors - previous.errors,
    latency: { buckets: current.latency.buckets, counts: current.latency.counts.map((c, i) => c - (previous.latency.counts[i] ?? 0)), count: current.latency.count - previous.latency.count },
    predictions: {},
  };
}

function metricTracks(book: RolloutRecordBook): MetricTrack[] {
  const names = [...new Set(book.samples.flatMap((s) => s.verdict?.metrics.map((m) => m.name) ?? []))];
  return names.map((name) => {
    const results = book.samples.map((s) => s.verdict?.metrics.find((m) => m.name === name) ?? null);
    const last = [...results].reverse().find((r) => r !== null)!;
    const pick = (f: (r: NonNullable<(typeof results)[number]>) => number | null) => results.map((r) => (r ? finite(f(r)) : null));
    return {
      name,
      kind: last.kind,
      unit: last.unit,
      critical: last.critical,
      statisticName: last.statistic?.name ?? null,
      statistic: pick((r) => r.statistic?.value ?? null),
      boundary: pick((r) => r.statistic?.threshold ?? null),
      tolerance: last.tolerance,
      estimate: pick((r) => r.estimate),
      lower: pick((r) => r.lower),
      upper: pick((r) => r.upper),
      status: results.map((r) => r?.status ?? null),
      sentence: last.sentence,
    };
  });
}

const round = (x: number): number => Math.round(x * 1_000) / 1_000;
/** JSON has no Infinity: an unbounded statistic or interval end is drawn as a gap. */
const finite = (x: number | null): number | null => (x === null || !Number.isFinite(x) ? null : round(x));
