import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelManifest } from '../../service/src/manifest.js';

/** Path of one sample version's files. */
export const versionFile = (modelsDir: string, version: string, file: 'model.onnx' | 'model.json'): string =>
  join(modelsDir, 'penguins', version, file);

/** Reads one sample version's manifest. */
export function readManifest(modelsDir: string, version: string): ModelManifest {
  return JSON.parse(readFileSync(versionFile(modelsDir, version, 'model.json'), 'utf8')) as ModelManifest;
}

/** Opens an onnxruntime session on one sample version's file. */
export function openSession(modelsDir: string, version: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(readFileSync(versionFile(modelsDir, version, 'model.onnx')));
}

/** Runs a classifier on rows; returns per-row probabilities and labels. */
export async function classify(
  session: ort.InferenceSession,
  rows: readonly (readonly number[])[],
  inputName = 'features',
): Promise<{ probabilities: number[][]; labels: number[] }> {
  const width = rows[0]?.length ?? 0;
  const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, width]);
  const out = await session.run({ [inputName]: input });
  const probabilities = out.probabilities!;
  const label = out.label!;
  const classes = probabilities.dims[1] ?? 0;
  const data = probabilities.data as Float32Array;
  return {
    probabilities: rows.map((_, r) => Array.from(data.subarray(r * classes, (r + 1) * classes))),
    labels: Array.from(label.data as BigInt64Array, Number),
  };
}

/** Median wall time (ms) of `runs` single-row inferences after `warmup` unmeasured ones. */
export async function medianLatencyMs(session: ort.InferenceSession, row: readonly number[], runs: number, warmup = 5): Promise<number> {
  const input = { features: new ort.Tensor('float32', Float32Array.from(row), [1, row.length]) };
  for (let i = 0; i < warmup; i++) await session.run(input);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await session.run(input);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}
