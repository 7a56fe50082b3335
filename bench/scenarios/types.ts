import type { LoadResult } from '../load/wrk.js';

/** One row of the results table: a server under closed-loop load at a fixed concurrency. */
export interface ScenarioResult {
  id: string;
  label: string;
  server: string;
  connections: number;
  requests: number;
  rps: number;
  /** Median across rounds of each round's percentile (exact when there is one round). */
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /**
   * Server CPU time (user + system, all threads and child processes) per request during the measured rounds: far
   * less sensitive than rps to other load on a shared machine, and `cores / cpu per request` bounds the rps.
   */
  cpuMsPerRequest: number;
  /**
   * CPU time per request of the busiest single thread (keelson's or node:http's main thread, one uvicorn worker):
   * the serial part, so `1000 / this` bounds the rps however many cores are free.
   */
  busiestThreadCpuMsPerRequest: number;
  /** Mean rows per executed batch from the service's `model_batch_size` histogram (NaN for other servers). */
  meanBatchSize: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  rounds: LoadResult[];
}

/** Median of some numbers (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Folds the rounds of one scenario into a row: total requests over total time, median percentiles, summed errors. */
export function aggregate(
  base: Omit<ScenarioResult, 'requests' | 'rps' | 'p50Ms' | 'p99Ms' | 'errors' | 'cpuMsPerRequest' | 'busiestThreadCpuMsPerRequest'> & { cpuSeconds: number; busiestThreadCpuSeconds: number },
): ScenarioResult {
  const { cpuSeconds, busiestThreadCpuSeconds, ...rest } = base;
  const requests = base.rounds.reduce((sum, r) => sum + r.requests, 0);
  const seconds = base.rounds.reduce((sum, r) => sum + r.durationS, 0);
  return {
    ...rest,
    requests,
    rps: seconds > 0 ? requests / seconds : 0,
    p50Ms: median(base.rounds.map((r) => r.p50Ms)),
    p99Ms: median(base.rounds.map((r) => r.p99Ms)),
    errors: base.rounds.reduce((sum, r) => sum + r.errors, 0),
    cpuMsPerRequest: requests > 0 ? (cpuSeconds * 1000) / requests : Number.NaN,
    busiestThreadCpuMsPerRequest: requests > 0 ? (busiestThreadCpuSeconds * 1000) / requests : Number.NaN,
  };
}
