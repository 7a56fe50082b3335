/**
 * Scenario 5: a soak at a fixed request rate. wrk's connections take send slots from one schedule (see
 * wrk-report.lua), and a sampler records the server's RSS and its reported event-loop delay every `sampleEveryS` seconds.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { scrapeRuntimeGauges } from '../load/metrics.js';
import { runWrk, type LoadResult } from '../load/wrk.js';
import type { ServerProcess } from '../processes/spawn.js';
import { summariseSoak, type SoakSample, type SoakSummary } from './soak-summary.js';

export interface SoakOptions {
  server: ServerProcess;
  inferPath: string;
  bodiesFile: string;
  durationS: number;
  /** Requests per second asked for; the result reports what was achieved (lower when latency > connections / rate). */
  rate: number;
  connections: number;
  sampleEveryS: number;
  /** Leading share of the soak treated as warm-up (not counted in RSS growth). */
  warmupFraction: number;
  onProgress: (line: string) => void;
}

export interface SoakResult extends SoakSummary {
  rateAsked: number;
  load: LoadResult;
  samples: SoakSample[];
}

async function sample(server: ServerProcess, startedAt: number): Promise<SoakSample> {
  const rssBytes = server.rss();
  const none = Number.NaN;
  const gauges = await scrapeRuntimeGauges(server.url).catch(() => ({ eventLoopP50Ms: none, eventLoopP99Ms: none, eventLoopMaxMs: none, heapUsedBytes: none, externalBytes: none }));
  return { atS: (Date.now() - startedAt) / 1000, rssBytes, ...gauges };
}

/** Runs the soak and summarises RSS growth after warm-up and the event-loop delay over time. */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const startedAt = Date.now();
  const samples: SoakSample[] = [await sample(options.server, startedAt)];
  const loadRun = runWrk({
    url: options.server.url + options.inferPath,
    connections: options.connections,
    durationS: options.durationS,
    method: 'POST',
    bodiesFile: options.bodiesFile,
    rate: options.rate,
  });
  let done = false;
  const finished = loadRun.finally(() => (done = true));
  finished.catch(() => undefined);
  const endAt = startedAt + options.durationS * 1000;
  for (let next = startedAt + options.sampleEveryS * 1000; !done && next < endAt; next += options.sampleEveryS * 1000) {
    await sleep(Math.max(0, next - Date.now()));
    if (done) break;
    const s = await sample(options.server, startedAt);
    samples.push(s);
    const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
    options.onProgress(`soak ${s.atS.toFixed(0)}s: RSS ${mib(s.rssBytes)} MiB, heap used ${mib(s.heapUsedBytes)} MiB, event-loop p99 ${s.eventLoopP99Ms.toFixed(1)} ms`);
  }
  const load = await loadRun;
  samples.push(await sample(options.server, startedAt));
  return { rateAsked: options.rate, load, samples, ...summariseSoak(samples, options.durationS * options.warmupFraction) };
}
