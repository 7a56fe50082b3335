import type { Datatype } from '../manifest.js';

/** Typed array holding a tensor's elements in row-major order (BOOL as 0/1 bytes). */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** A decoded tensor: what the runtime consumes and produces. */
export interface Tensor {
  datatype: Datatype;
  shape: number[];
  data: TensorData;
}

/** Tensors by name, in the model's declared order. */
export type TensorMap = Record<string, Tensor>;

/** Number of elements a shape describes (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) count *= dim;
  return count;
}
