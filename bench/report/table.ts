/** Markdown tables of one run (printed, and pasted into docs/performance.md). */
import type { HealthUnderLoadResult } from '../scenarios/health-under-load.js';
import type { SoakResult } from '../scenarios/soak.js';
import type { ScenarioResult } from '../scenarios/types.js';
import type { TargetCheck } from './targets.js';

const mib = (bytes: number): string => (bytes > 0 ? (bytes / 2 ** 20).toFixed(0) : '–');
const fixed = (value: number, digits: number): string => (Number.isFinite(value) ? value.toFixed(digits) : '–');

function markdown(header: string[], rows: string[][], rightAligned: boolean[]): string {
  const align = rightAligned.map((right) => (right ? '---:' : ':---'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

/** Throughput rows: rps, p50, p99, errors, server CPU per request, RSS before/after. */
export function scenarioTable(results: ScenarioResult[]): string {
  return markdown(
    ['scenario', 'conc.', 'rps', 'rps by round', 'p50 ms', 'p99 ms', 'errors', 'CPU ms/req', 'busiest thread CPU ms/req', 'rows/batch', 'RSS before MiB', 'RSS after MiB'],
    results.map((r) => [
      r.label, String(r.connections), fixed(r.rps, 0), r.rounds.map((round) => fixed(round.rps, 0)).join(' / '), fixed(r.p50Ms, 2), fixed(r.p99Ms, 2), String(r.errors),
      fixed(r.cpuMsPerRequest, 3), fixed(r.busiestThreadCpuMsPerRequest, 3), fixed(r.meanBatchSize, 1), mib(r.rssBeforeBytes), mib(r.rssAfterBytes),
    ]),
    [false, true, true, true, true, true, true, true, true, true, true, true],
  );
}

/** Health-probe latency idle and under saturating inference load. */
export function healthTable(results: HealthUnderLoadResult[]): string {
  return markdown(
    ['4: health probe while', 'probe p50 ms', 'probe p99 ms', 'probe max ms', 'probes', 'probe errors', 'load rps', 'load p99 ms'],
    results.flatMap((h) => h.ports.flatMap(({ port, idle, underLoad }) => {
      const where = port === 'service' ? 'service port' : '--metrics-port (probe thread)';
      return [
        [`${h.label}, idle, ${where}`, fixed(idle.p50Ms, 2), fixed(idle.p99Ms, 2), fixed(idle.maxMs, 2), String(idle.requests), String(idle.errors), '–', '–'],
        [`${h.label}, under load, ${where}`, fixed(underLoad.p50Ms, 2), fixed(underLoad.p99Ms, 2), fixed(underLoad.maxMs, 2), String(underLoad.requests), String(underLoad.errors), fixed(h.load.rps, 0), fixed(h.load.p99Ms, 2)],
      ];
    })),
    [false, true, true, true, true, true, true, true],
  );
}

/** The soak: a summary and at most `maxRows` evenly spaced samples. */
export function soakTable(soak: SoakResult, maxRows = 12): string {
  const step = Math.max(1, Math.ceil(soak.samples.length / maxRows));
  const picked = soak.samples.filter((_, i) => i % step === 0 || i === soak.samples.length - 1);
  const summary =
    `5: soak at ${soak.rateAsked} rps asked, ${fixed(soak.load.rps, 0)} achieved, ${soak.load.requests} requests, ${soak.load.errors} errors, ` +
    `p50 ${fixed(soak.load.p50Ms, 2)} ms, p99 ${fixed(soak.load.p99Ms, 2)} ms; RSS ${mib(soak.rssAfterWarmupBytes)} MiB after ${soak.warmupS.toFixed(0)} s warm-up → ` +
    `${mib(soak.rssEndBytes)} MiB at the end (${fixed(soak.rssGrowth * 100, 1)}%), peak ${mib(soak.rssPeakBytes)} MiB`;
  const table = markdown(
    ['t s', 'RSS MiB', 'V8 heap used MiB', 'event-loop p50 ms', 'event-loop p99 ms', 'event-loop max ms'],
    picked.map((s) => [fixed(s.atS, 0), mib(s.rssBytes), mib(s.heapUsedBytes), fixed(s.eventLoopP50Ms, 1), fixed(s.eventLoopP99Ms, 1), fixed(s.eventLoopMaxMs, 1)]),
    [true, true, true, true, true, true],
  );
  return `${summary}\n\n${table}`;
}

/** Targets with PASS / MISS / SKIP. */
export function targetTable(checks: TargetCheck[]): string {
  return markdown(['target', 'measured', 'verdict'], checks.map((c) => [c.target, c.measured, c.verdict]), [false, false, false]);
}
