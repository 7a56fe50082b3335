import type { RuntimeGauges } from '../load/metrics.js';
import { median } from './types.js';

/** One reading during the soak: RSS from /proc, the rest from the service's /metrics. */
export interface SoakSample extends RuntimeGauges {
  atS: number;
  rssBytes: number;
}

export interface SoakSummary {
  warmupS: number;
  /** Median RSS of the samples in the first tenth after warm-up (at least one sample). */
  rssAfterWarmupBytes: number;
  /** Median RSS of the last three samples. */
  rssEndBytes: number;
  rssPeakBytes: number;
  /** `rssEnd / rssAfterWarmup - 1`. */
  rssGrowth: number;
  /** Worst per-interval event-loop p99 and max after warm-up, as the service reports them. */
  eventLoopP99MaxMs: number;
  eventLoopMaxMs: number;
}

/**
 * Pure summary of soak samples: RSS growth compares medians (one sample can sit on a GC peak) of the samples just
 * after warm-up with the last ones.
 */
export function summariseSoak(samples: readonly SoakSample[], warmupS: number): SoakSummary {
  const after = samples.filter((s) => s.atS >= warmupS);
  const steady = after.length > 0 ? after : [...samples];
  const lastAt = steady[steady.length - 1]?.atS ?? 0;
  const firstTenth = steady.filter((s) => s.atS <= warmupS + Math.max(1, (lastAt - warmupS) / 10));
  const baseline = median((firstTenth.length > 0 ? firstTenth : steady.slice(0, 1)).map((s) => s.rssBytes));
  const end = median(steady.slice(-3).map((s) => s.rssBytes));
  const worst = (values: number[]): number => {
    const finite = values.filter(Number.isFinite);
    return finite.length > 0 ? Math.max(...finite) : Number.NaN;
  };
  return {
    warmupS,
    rssAfterWarmupBytes: baseline,
    rssEndBytes: end,
    rssPeakBytes: Math.max(...samples.map((s) => s.rssBytes)),
    rssGrowth: baseline > 0 ? end / baseline - 1 : Number.NaN,
    eventLoopP99MaxMs: worst(steady.map((s) => s.eventLoopP99Ms)),
    eventLoopMaxMs: worst(steady.map((s) => s.eventLoopMaxMs)),
  };
}
