/**
 * Scenario 4: health-probe latency while closed-loop inference at high concurrency keeps the workers busy. One more
 * wrk per probed port sends one readiness probe at a time, paced like a (very eager) orchestrator, while the first one
 * saturates: on the service port (answered by the serving thread, behind the inference traffic) and on
 * `--metrics-port` (answered by the probe thread; what the Kubernetes probes use).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runWrk, type LoadResult } from '../load/wrk.js';
import type { ServerProcess } from '../processes/spawn.js';

export interface HealthUnderLoadOptions {
  label: string;
  server: ServerProcess;
  /** `--metrics-port` of the same server, probed side by side with the service port. */
  metricsUrl?: string;
  inferPath: string;
  probePath: string;
  connections: number;
  durationS: number;
  /** Pause between probes on the one probe connection. */
  probeDelayMs: number;
  bodiesFile: string;
  wrkThreads: number;
}

/** Probe latency on one port, idle and under load. */
export interface ProbedPort {
  port: 'service' | 'metrics';
  idle: LoadResult;
  underLoad: LoadResult;
}

/** Probe latency on each probed port, plus the load's own numbers. */
export interface HealthUnderLoadResult {
  id: string;
  label: string;
  probePath: string;
  ports: ProbedPort[];
  load: LoadResult;
}

/** Probes the idle server briefly, then probes while the load runs (starting 1 s into it, ending 1 s before it ends). */
export async function runHealthUnderLoad(id: string, options: HealthUnderLoadOptions): Promise<HealthUnderLoadResult> {
  const targets = [
    { port: 'service' as const, url: options.server.url },
    ...(options.metricsUrl ? [{ port: 'metrics' as const, url: options.metricsUrl }] : []),
  ];
  const probe = (url: string, durationS: number) =>
    runWrk({ url: url + options.probePath, connections: 1, durationS, method: 'GET', delayMs: options.probeDelayMs });
  const idle: LoadResult[] = [];
  for (const target of targets) idle.push(await probe(target.url, Math.max(2, Math.round(options.durationS / 4))));
  const loadRun = runWrk({
    url: options.server.url + options.inferPath,
    connections: options.connections,
    durationS: options.durationS + 2,
    method: 'POST',
    bodiesFile: options.bodiesFile,
    threads: options.wrkThreads,
  });
  let underLoad: LoadResult[];
  try {
    await sleep(1000);
    underLoad = await Promise.all(targets.map((target) => probe(target.url, options.durationS)));
  } catch (error) {
    await loadRun.catch(() => undefined);
    throw error;
  }
  const load = await loadRun;
  const ports = targets.map((target, i) => ({ port: target.port, idle: idle[i]!, underLoad: underLoad[i]! }));
  return { id, label: options.label, probePath: options.probePath, ports, load };
}
