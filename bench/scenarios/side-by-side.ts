/**
 * Closed-loop throughput scenarios run side by side: every server is warmed up, then the rounds alternate between
 * servers (A B C, A B C, ...) so that load from elsewhere on a shared machine hits all of them alike. RSS "before"
 * is taken before the warm-up (idle, no request served yet), "after" once the last round is done.
 */
import { loadavg } from 'node:os';
import { scrapeBatchTotals, type BatchTotals } from '../load/metrics.js';
import { runWrk } from '../load/wrk.js';
import type { ServerProcess } from '../processes/spawn.js';
import { aggregate, type ScenarioResult } from './types.js';

/** One server and what to send it. */
export interface ThroughputTarget {
  id: string;
  label: string;
  server: ServerProcess;
  path: string;
  connections: number;
  /** For keelson: the model version whose `model_batch_size` histogram gives the mean rows per executed batch. */
  batchMetrics?: { model: string; version: string };
}

export interface SideBySideOptions {
  /** Measured seconds per server, split evenly over the rounds. */
  durationS: number;
  rounds: number;
  warmupS: number;
  bodiesFile: string;
  wrkThreads: number;
  onProgress: (line: string) => void;
}

/** Runs every target for `rounds` alternating rounds and returns one aggregated row each. */
export async function runSideBySide(targets: ThroughputTarget[], options: SideBySideOptions): Promise<ScenarioResult[]> {
  const load = (t: ThroughputTarget, durationS: number) =>
    runWrk({ url: t.server.url + t.path, connections: t.connections, durationS, method: 'POST', bodiesFile: options.bodiesFile, threads: options.wrkThreads });
  const rssBefore = new Map<string, number>();
  for (const t of targets) {
    rssBefore.set(t.id, t.server.rss());
    options.onProgress(`warm-up ${t.label} (${options.warmupS}s)`);
    await load(t, options.warmupS);
  }
  const rounds = new Map<string, Awaited<ReturnType<typeof load>>[]>(targets.map((t) => [t.id, []]));
  const cpuSeconds = new Map<string, number>(targets.map((t) => [t.id, 0]));
  const threadCpu = new Map<string, Map<string, number>>(targets.map((t) => [t.id, new Map()]));
  const batches = new Map<string, BatchTotals>(targets.map((t) => [t.id, { rows: 0, batches: 0 }]));
  const batchTotals = (t: ThroughputTarget): Promise<BatchTotals> =>
    t.batchMetrics ? scrapeBatchTotals(t.server.url, t.batchMetrics.model, t.batchMetrics.version) : Promise.resolve({ rows: Number.NaN, batches: Number.NaN });
  const roundS = Math.max(1, Math.round(options.durationS / options.rounds));
  for (let r = 1; r <= options.rounds; r++) {
    for (const t of targets) {
      const [batchesBefore, cpuBefore, threadsBefore] = [await batchTotals(t), t.server.cpuSeconds(), t.server.threadCpuSeconds()];
      const result = await load(t, roundS);
      cpuSeconds.set(t.id, (cpuSeconds.get(t.id) ?? 0) + t.server.cpuSeconds() - cpuBefore);
      addThreadDeltas(threadCpu.get(t.id) as Map<string, number>, threadsBefore, t.server.threadCpuSeconds());
      const batchesAfter = await batchTotals(t);
      const sum = batches.get(t.id) as BatchTotals;
      batches.set(t.id, { rows: sum.rows + batchesAfter.rows - batchesBefore.rows, batches: sum.batches + batchesAfter.batches - batchesBefore.batches });
      rounds.get(t.id)?.push(result);
      options.onProgress(`round ${r}/${options.rounds} ${t.label}: ${result.rps.toFixed(0)} rps, p99 ${result.p99Ms.toFixed(2)} ms, ${result.errors} errors, load average ${loadavg()[0]?.toFixed(1)}`);
    }
  }
  return targets.map((t) =>
    aggregate({
      id: t.id,
      label: t.label,
      server: t.server.name,
      connections: t.connections,
      rssBeforeBytes: rssBefore.get(t.id) ?? 0,
      rssAfterBytes: t.server.rss(),
      rounds: rounds.get(t.id) ?? [],
      cpuSeconds: cpuSeconds.get(t.id) ?? 0,
      busiestThreadCpuSeconds: Math.max(0, ...(threadCpu.get(t.id)?.values() ?? [])),
      meanBatchSize: meanBatch(batches.get(t.id)),
    }),
  );
}

const meanBatch = (totals: BatchTotals | undefined): number => (totals && totals.batches > 0 ? totals.rows / totals.batches : Number.NaN);

/** Adds each thread's CPU seconds between two snapshots to `sums` (threads that came or went count what was seen). */
function addThreadDeltas(sums: Map<string, number>, before: Map<string, number>, after: Map<string, number>): void {
  for (const [thread, seconds] of after) sums.set(thread, (sums.get(thread) ?? 0) + seconds - (before.get(thread) ?? seconds));
}
