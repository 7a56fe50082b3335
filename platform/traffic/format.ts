import type { TrafficReport } from './generator.js';

const fmt = (ms: number): string => `${ms.toFixed(1)} ms`;
const pairs = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** A human-readable traffic report. */
export function formatTrafficReport(r: TrafficReport): string {
  const lines = [
    `sent ${r.sent} requests in ${(r.durationMs / 1_000).toFixed(1)}s (${r.achievedRps.toFixed(1)} rps) to ${r.url}`,
    `ok ${r.ok}, failed ${r.failed}${r.skipped ? `, skipped ${r.skipped} (too many in flight)` : ''}`,
    `latency p50 ${fmt(r.latencyMs.p50)}, p90 ${fmt(r.latencyMs.p90)}, p99 ${fmt(r.latencyMs.p99)}, max ${fmt(r.latencyMs.max)}`,
    `status: ${pairs(r.byStatus)}`,
    `variant: ${pairs(r.byVariant)}`,
    `model version: ${pairs(r.byVersion)}`,
  ];
  if (r.feedback) lines.push(formatFeedback(r.feedback));
  for (const f of r.failures.slice(0, 5)) lines.push(`  failed at ${(f.at / 1_000).toFixed(2)}s: ${f.status ?? 'no answer'} ${f.error ?? ''}`);
  return lines.join('\n');
}

function formatFeedback(f: NonNullable<TrafficReport['feedback']>): string {
  const versions = Object.entries(f.byVersion)
    .map(([v, c]) => `v${v} ${c.labelled > 0 ? ((100 * c.correct) / c.labelled).toFixed(1) : '-'}% of ${c.labelled}`)
    .join(', ');
  const lines = [`feedback: ${f.sent} labels sent (${pairs(f.byStatus)}); live accuracy ${versions || 'none'}`];
  for (const e of f.errors.slice(0, 3)) lines.push(`  feedback refused: ${e}`);
  return lines.join('\n');
}
