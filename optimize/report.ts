import type { Comparison } from './comparison.js';

/** The side-by-side table `keelson models optimize` prints: source and optimized on the same rows. */
export function formatComparison(source: string, optimized: string, comparison: Comparison): string {
  const { source: a, optimized: b, ratios } = comparison;
  const rows = [
    ['', source, optimized, 'ratio'],
    ['file size', mib(a.fileBytes), mib(b.fileBytes), `${ratios.fileSize}×`],
    ['single-row latency', `${a.singleRowLatencyMs.toFixed(3)} ms`, `${b.singleRowLatencyMs.toFixed(3)} ms`, `${ratios.singleRowSpeedup}× faster`],
    ['batch-64 throughput', `${a.batch64RowsPerSecond} rows/s`, `${b.batch64RowsPerSecond} rows/s`, `${ratios.batch64Throughput}×`],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const table = rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd()).join('\n');
  const { rows: compared, measuredOn } = comparison;
  return [
    table,
    `label agreement ${(comparison.labelAgreement * 100).toFixed(2)}% on ${compared.count} rows (${compared.source}, seed ${compared.seed}); max |Δ| ${comparison.maxAbsDiff}, mean |Δ| ${comparison.meanAbsDiff}`,
    `measured on ${measuredOn.cpus}, load average ${measuredOn.loadAverage1m}, ${measuredOn.intraOpThreads} intra-op thread(s), ${measuredOn.date}`,
  ].join('\n') + '\n';
}

function mib(bytes: number): string {
  return bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}
