import type { ModelManifest } from '../service/src/manifest.js';
import type { Tensor } from '../service/src/protocol/tensor.js';
import { createOnnxSession, type OnnxSession } from '../service/src/runtime/onnx-session.js';
import type { ComparisonRows } from './reference-rows.js';

/** How one model did on the comparison rows. */
export interface ModelMeasurement {
  fileBytes: number;
  /** Median of single-row runs, in milliseconds. */
  singleRowLatencyMs: number;
  /** Rows per second running batches of 64 back to back on one thread. */
  batch64RowsPerSecond: number;
  /** Predicted class per row (label output, else argmax of the first FP32 output). */
  labels: Int32Array;
  /** Every FP32 output, concatenated per output name. */
  floats: Record<string, Float32Array>;
}

export interface MeasureOptions {
  /** Time spent on each of the latency and throughput loops. */
  budgetMs: number;
  intraOpThreads: number;
  /** Which execution providers to ask for; the CPU by default. */
  executionProviders?: string[];
}

const BATCH = 64;

/** Loads `bytes` in onnxruntime-node, runs all rows, then times single rows and batches of 64. */
export async function measureModel(bytes: Uint8Array, manifest: ModelManifest, rows: ComparisonRows, options: MeasureOptions): Promise<ModelMeasurement> {
  const session = await createOnnxSession(bytes, { intraOpNumThreads: options.intraOpThreads, ...(options.executionProviders ? { executionProviders: options.executionProviders } : {}) });
  try {
    const inputName = manifest.inputs[0]?.name ?? '';
    const feed = (from: number, to: number): Record<string, Tensor> => ({
      [inputName]: { datatype: 'FP32', shape: [to - from, rows.features], data: rows.data.slice(from * rows.features, to * rows.features) },
    });
    const parts: Record<string, Float32Array[]> = {};
    const labels: number[] = [];
    for (let from = 0; from < rows.count; from += BATCH) {
      const outputs = await session.run(feed(from, Math.min(rows.count, from + BATCH)));
      for (const [name, tensor] of Object.entries(outputs)) if (tensor.datatype === 'FP32') (parts[name] ??= []).push(tensor.data as Float32Array);
      labels.push(...predictedLabels(manifest, outputs));
    }
    const floats = Object.fromEntries(Object.entries(parts).map(([name, chunks]) => [name, concat(chunks)]));
    const single = feed(0, 1);
    const latencies = await timeLoop(session, single, options.budgetMs);
    const batch = feed(0, Math.min(BATCH, rows.count));
    const batchTimes = await timeLoop(session, batch, options.budgetMs);
    const batchRows = Math.min(BATCH, rows.count);
    return {
      fileBytes: bytes.length,
      singleRowLatencyMs: median(latencies),
      batch64RowsPerSecond: (batchRows * batchTimes.length) / (batchTimes.reduce((a, b) => a + b, 0) / 1000),
      labels: Int32Array.from(labels),
      floats,
    };
  } finally {
    await session.release();
  }
}

function predictedLabels(manifest: ModelManifest, outputs: Record<string, Tensor>): number[] {
  const label = manifest.labelOutput ? outputs[manifest.labelOutput] : undefined;
  if (label) return Array.from(label.data as ArrayLike<number | bigint>, Number);
  const scores = Object.values(outputs).find((t) => t.datatype === 'FP32' && t.shape.length === 2);
  if (!scores) return [];
  const [n = 0, c = 0] = scores.shape;
  const data = scores.data as Float32Array;
  return Array.from({ length: n }, (_, r) => {
    let best = 0;
    for (let k = 1; k < c; k++) if ((data[r * c + k] as number) > (data[r * c + best] as number)) best = k;
    return best;
  });
}

/** Runs the same feed until the budget is spent (at least 5 runs after 2 warm-up runs); milliseconds per run. */
async function timeLoop(session: OnnxSession, feeds: Record<string, Tensor>, budgetMs: number): Promise<number[]> {
  for (let i = 0; i < 2; i++) await session.run(feeds);
  const times: number[] = [];
  const end = performance.now() + budgetMs;
  while (times.length < 5 || performance.now() < end) {
    const start = performance.now();
    await session.run(feeds);
    times.push(performance.now() - start);
  }
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function concat(chunks: Float32Array[]): Float32Array {
  const out = new Float32Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
