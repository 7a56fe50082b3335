import type { Tensor, TensorData, TensorMap } from '../protocol/tensor.js';

/** Rows along the batch (first) dimension of a request: the first input's first dimension. */
export function batchRows(inputs: TensorMap): number {
  for (const name in inputs) return inputs[name]!.shape[0] ?? 1;
  return 1;
}

/** Requests can share a batch when every input agrees on everything but the first dimension. */
export function canBatchTogether(a: TensorMap, b: TensorMap): boolean {
  for (const name in a) {
    const x = a[name]!;
    const y = b[name];
    if (!y || x.datatype !== y.datatype || x.shape.length !== y.shape.length) return false;
    for (let d = 1; d < x.shape.length; d++) if (x.shape[d] !== y.shape[d]) return false;
  }
  for (const name in b) if (!(name in a)) return false; // b has every input of a; one more is a mismatch
  return true;
}

/** Concatenates compatible requests along the first dimension (row-major, so byte ranges simply follow). */
export function concatRows(requests: TensorMap[]): TensorMap {
  if (requests.length === 1) return requests[0]!;
  const merged: TensorMap = {};
  for (const name of Object.keys(requests[0]!)) {
    const parts = requests.map((r) => r[name]!);
    const first = parts[0]!;
    const length = parts.reduce((sum, t) => sum + t.data.length, 0);
    const data = new (first.data.constructor as new (n: number) => TensorData)(length);
    let offset = 0;
    for (const part of parts) {
      (data as unknown as { set(src: ArrayLike<number | bigint>, at: number): void }).set(part.data, offset);
      offset += part.data.length;
    }
    const rows = parts.reduce((sum, t) => sum + (t.shape[0] ?? 0), 0);
    merged[name] = { datatype: first.datatype, shape: [rows, ...first.shape.slice(1)], data };
  }
  return merged;
}

/**
 * Splits batched outputs back into per-request outputs, in order. Every output must have the batch on its
 * first dimension; each part is a copy, so a cached or returned part does not pin the whole batch.
 */
export function splitRows(outputs: TensorMap, rowCounts: number[]): TensorMap[] {
  if (rowCounts.length === 1) return [outputs];
  const total = rowCounts.reduce((a, b) => a + b, 0);
  const parts: TensorMap[] = rowCounts.map(() => ({}));
  for (const [name, tensor] of Object.entries(outputs)) {
    if (tensor.shape[0] !== total) {
      throw new Error(`cannot split batched output "${name}" of shape [${tensor.shape.join(',')}] into requests of ${rowCounts.join('+')} rows`);
    }
    const rowSize = tensor.data.length / Math.max(total, 1);
    let row = 0;
    rowCounts.forEach((rows, i) => {
      const data = tensor.data.slice(row * rowSize, (row + rows) * rowSize) as TensorData;
      parts[i]![name] = { datatype: tensor.datatype, shape: [rows, ...tensor.shape.slice(1)], data } satisfies Tensor;
      row += rows;
    });
  }
  return parts;
}
