import type { ModelMeasurement } from './measure.js';
import type { ComparisonRows } from './reference-rows.js';

/** One side of the comparison as recorded in model.json. */
export interface MeasuredSide {
  fileBytes: number;
  singleRowLatencyMs: number;
  batch64RowsPerSecond: number;
}

/** The optimized version measured against its source on the same rows, same machine, same run. */
export interface Comparison {
  rows: { count: number; source: ComparisonRows['source']; seed: number };
  /** Fraction of rows where both predict the same class. */
  labelAgreement: number;
  /** Over every FP32 output element. */
  maxAbsDiff: number;
  meanAbsDiff: number;
  source: MeasuredSide;
  optimized: MeasuredSide;
  /** optimized / source for throughput, source / optimized for latency, optimized / source for size. */
  ratios: { batch64Throughput: number; singleRowSpeedup: number; fileSize: number };
  measuredOn: { host: string; cpus: string; loadAverage1m: number; date: string; intraOpThreads: number };
}

/** Compares two measurements of the same rows. */
export function compareMeasurements(rows: ComparisonRows, source: ModelMeasurement, optimized: ModelMeasurement, measuredOn: Comparison['measuredOn']): Comparison {
  let agree = 0;
  for (let i = 0; i < source.labels.length; i++) if (source.labels[i] === optimized.labels[i]) agree++;
  let max = 0;
  let sum = 0;
  let n = 0;
  for (const [name, a] of Object.entries(source.floats)) {
    const b = optimized.floats[name];
    if (!b || b.length !== a.length) throw new Error(`output '${name}': the optimized model returned ${b?.length ?? 0} values, the source ${a.length}`);
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs((a[i] as number) - (b[i] as number));
      max = Math.max(max, d);
      sum += d;
      n++;
    }
  }
  const side = (m: ModelMeasurement): MeasuredSide => ({ fileBytes: m.fileBytes, singleRowLatencyMs: round(m.singleRowLatencyMs, 4), batch64RowsPerSecond: Math.round(m.batch64RowsPerSecond) });
  return {
    rows: { count: rows.count, source: rows.source, seed: rows.seed },
    labelAgreement: source.labels.length ? round(agree / source.labels.length, 4) : 0,
    maxAbsDiff: round(max, 7),
    meanAbsDiff: round(n ? sum / n : 0, 8),
    source: side(source),
    optimized: side(optimized),
    ratios: {
      batch64Throughput: round(optimized.batch64RowsPerSecond / source.batch64RowsPerSecond, 3),
      singleRowSpeedup: round(source.singleRowLatencyMs / optimized.singleRowLatencyMs, 3),
      fileSize: round(optimized.fileBytes / source.fileBytes, 3),
    },
    measuredOn,
  };
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
