import type { ArmSnapshot } from '../types.js';

/**
 * One arm's raw counters as a flat map, the shape both sources produce before the judge sees them:
 * `requests`, `errors`, `le:<bound>` (cumulative bucket counts, `le:+Inf` the total), `label:<class>` predictions,
 * `feedback:correct` and `feedback:incorrect` labelled predictions.
 */
export type RawCounters = Map<string, number>;

/** Adds `value` to counter `key`. */
export function add(counters: RawCounters, key: string, value: number): void {
  if (Number.isFinite(value)) counters.set(key, (counters.get(key) ?? 0) + value);
}

/** The judge's view of raw counters (already made relative to the analysis start). */
export function toArmSnapshot(counters: RawCounters): ArmSnapshot {
  const bounds: number[] = [];
  const predictions: Record<string, number> = {};
  for (const [key, value] of counters) {
    if (key.startsWith('le:') && key !== 'le:+Inf') bounds.push(Number(key.slice(3)));
    if (key.startsWith('label:')) predictions[key.slice(6)] = value;
  }
  bounds.sort((a, b) => a - b);
  const requests = counters.get('requests') ?? 0;
  return {
    requests,
    errors: Math.min(counters.get('errors') ?? 0, requests),
    latency: { buckets: bounds, counts: bounds.map((b) => counters.get(`le:${b}`) ?? 0), count: counters.get('le:+Inf') ?? 0 },
    predictions,
    // Only once a label came: most services get none, and their snapshots stay as they were.
    ...(counters.has('feedback:correct') || counters.has('feedback:incorrect')
      ? { feedback: { correct: counters.get('feedback:correct') ?? 0, incorrect: counters.get('feedback:incorrect') ?? 0 } }
      : {}),
  };
}

/** The counter key of a `model_feedback_total` outcome, or null for an outcome the judge does not count. */
export function feedbackKey(outcome: string | undefined): string | null {
  return outcome === 'correct' || outcome === 'incorrect' ? `feedback:${outcome}` : null;
}

/**
 * Makes counters cumulative since the first successful snapshot, as the judge expects: subtracts what the counters
 * held then, and carries on across counter resets (a restarted process starts again from 0).
 */
export function createCounterOrigin(): (raw: RawCounters) => RawCounters {
  let origin: RawCounters | null = null;
  const last: RawCounters = new Map();
  const carried: RawCounters = new Map();
  return (raw) => {
    if (!origin) origin = new Map(raw);
    const relative: RawCounters = new Map();
    for (const [key, value] of raw) {
      const previous = last.get(key);
      if (previous !== undefined && value < previous) add(carried, key, previous);
      last.set(key, value);
      relative.set(key, Math.max(0, value + (carried.get(key) ?? 0) - (origin.get(key) ?? 0)));
    }
    return relative;
  };
}
