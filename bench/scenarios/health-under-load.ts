/**
 * Scenario 4: health-probe latency while closed-loop inference at high concurrency keeps the workers busy. A second
 * wrk sends one readiness probe at a time, paced like a (very eager) orchestrator, while the first one saturates.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runWrk, type LoadResult } from '../load/wrk.js';
import type { ServerProcess } from '../processes/spawn.js';

export interface HealthUnderLoadOptions {
  label: string;
  server: ServerProcess;
  inferPath: string;
  probePath: string;
  connections: number;
  durationS: number;
  /** Pause between probes on the one probe connection. */
  probeDelayMs: number;
  bodiesFile: string;
  wrkThreads: number;
}

/** Probe latency on the idle server and under load, plus the load's own numbers. */
export interface HealthUnderLoadResult {
  id: string;
  label: string;
  probePath: string;
  idle: LoadResult;
  underLoad: LoadResult;
  load: LoadResult;
}

/** Probes the idle server briefly, then probes while the load runs (starting 1 s into it, ending 1 s before it ends). */
export async function runHealthUnderLoad(id: string, options: HealthUnderLoadOptions): Promise<HealthUnderLoadResult> {
  const probe = (durationS: number) =>
    runWrk({ url: options.server.url + options.probePath, connections: 1, durationS, method: 'GET', delayMs: options.probeDelayMs });
  const idle = await probe(Math.max(2, Math.round(options.durationS / 4)));
  const loadRun = runWrk({
    url: options.server.url + options.inferPath,
    connections: options.connections,
    durationS: options.durationS + 2,
    method: 'POST',
    bodiesFile: options.bodiesFile,
    threads: options.wrkThreads,
  });
  let underLoad: LoadResult;
  try {
    await sleep(1000);
    underLoad = await probe(options.durationS);
  } catch (error) {
    await loadRun.catch(() => undefined);
    throw error;
  }
  const load = await loadRun;
  return { id, label: options.label, probePath: options.probePath, idle, underLoad, load };
}
