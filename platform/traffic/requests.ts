import { encodeBinaryRequest, type BinaryRequest } from './binary-body.js';
import { loadPenguins } from '../../tools/penguins.js';
import { createRandom } from '../../tools/random.js';

/** Rows of penguin measurements (bill length, bill depth, flipper length, body mass) from vega-datasets. */
export function penguinRows(): number[][] {
  return loadPenguins().map((p) => p.features);
}

/** An Open Inference Protocol (v2) infer request for one row of the `features` input. */
export function inferBody(row: readonly number[]): string {
  return JSON.stringify({ inputs: [{ name: 'features', datatype: 'FP32', shape: [1, row.length], data: row }] });
}

/** The same request with the row as binary tensor data (binary outputs too), as `keelson traffic --binary` sends it. */
export function binaryInferBody(row: readonly number[]): BinaryRequest {
  return encodeBinaryRequest([{ name: 'features', datatype: 'FP32', shape: [1, row.length], data: Float32Array.from(row) }]);
}

/** Picks rows pseudo-randomly but reproducibly, so two runs send the same mix. */
export function rowPicker(rows: readonly number[][], seed = 1): () => number[] {
  if (rows.length === 0) throw new Error('no penguin rows to send');
  const random = createRandom(seed);
  return () => rows[Math.floor(random.next() * rows.length)]!;
}
