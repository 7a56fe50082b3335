/** One variant of one model, measured against that model's FP32 original in the same run. */
export interface VariantResult {
  variant: string;
  fileBytes: number;
  singleRowLatencyMs: number;
  batch64RowsPerSecond: number;
  labelAgreement: number;
  maxAbsDiff: number;
  ratios: { batch64Throughput: number; singleRowSpeedup: number; fileSize: number };
}

export interface ModelResult {
  model: string;
  description: string;
  variants: VariantResult[];
}

/** A target of the optimize work and whether this run met it. */
export interface TargetResult {
  target: string;
  measured: string;
  met: boolean;
}

/**
 * The targets the optimize benchmark reports against (docs/optimization.md). Speed and size on the heavy MLP;
 * agreement on penguins:2, a trained model: the random MLP's top classes are near-ties, so its agreement says
 * more about the ties than about the quantization (it is still reported per variant).
 */
export function evaluateOptimizeTargets(results: ModelResult[]): TargetResult[] {
  const heavy = results.find((r) => r.model === 'heavy');
  const variant = (id: string) => heavy?.variants.find((v) => v.variant === id);
  const int8 = variant('int8');
  const trainedInt8 = results.find((r) => r.model === 'penguins:2')?.variants.find((v) => v.variant === 'int8');
  const weights = variant('int8-weights');
  const pruned = variant('prune-0.5');
  return [
    { target: 'int8 dynamic ≥ 1.5× FP32 batch-64 throughput', measured: `${int8?.ratios.batch64Throughput ?? '-'}×`, met: (int8?.ratios.batch64Throughput ?? 0) >= 1.5 },
    { target: 'int8 dynamic ≥ 99% label agreement (penguins:2, trained)', measured: pct(trainedInt8?.labelAgreement), met: (trainedInt8?.labelAgreement ?? 0) >= 0.99 },
    { target: 'int8-weights file ≤ 30% of FP32', measured: `${pctRatio(weights?.ratios.fileSize)}`, met: (weights?.ratios.fileSize ?? 1) <= 0.3 },
    { target: '50% structured pruning ≥ 1.6× FP32 batch-64 throughput', measured: `${pruned?.ratios.batch64Throughput ?? '-'}×`, met: (pruned?.ratios.batch64Throughput ?? 0) >= 1.6 },
  ];
}

/** The side-by-side table printed at the end of a run. */
export function formatTable(results: ModelResult[], targets: TargetResult[]): string {
  const lines: string[] = [];
  for (const result of results) {
    lines.push(`\n${result.description}`);
    const rows = [['variant', 'file', 'size', 'latency (1 row)', 'batch 64', 'vs fp32', 'agreement', 'max |Δ|']];
    for (const v of result.variants) {
      rows.push([v.variant, mib(v.fileBytes), pctRatio(v.ratios.fileSize), `${v.singleRowLatencyMs.toFixed(3)} ms`, `${v.batch64RowsPerSecond} rows/s`, `${v.ratios.batch64Throughput}×`, pct(v.labelAgreement), String(v.maxAbsDiff)]);
    }
    const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
    lines.push(...rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd()));
  }
  lines.push('', 'targets:', ...targets.map((t) => `  ${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}`), '');
  return lines.join('\n');
}

const pct = (value: number | undefined): string => (value === undefined ? '-' : `${(value * 100).toFixed(1)}%`);
const pctRatio = (value: number | undefined): string => (value === undefined ? '-' : `${(value * 100).toFixed(1)}%`);
const mib = (bytes: number): string => (bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`);
