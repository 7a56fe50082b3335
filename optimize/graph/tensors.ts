import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type TensorProto = onnxProto.onnx.ITensorProto;

/** ONNX element types the transforms read and write. */
export const DataType = {
  FLOAT: onnx.TensorProto.DataType.FLOAT,
  UINT8: onnx.TensorProto.DataType.UINT8,
  INT8: onnx.TensorProto.DataType.INT8,
  INT32: onnx.TensorProto.DataType.INT32,
  FLOAT16: onnx.TensorProto.DataType.FLOAT16,
} as const;

/** The dims of an initializer as plain numbers. */
export function dimsOf(tensor: TensorProto): number[] {
  return (tensor.dims ?? []).map(Number);
}

/** Reads a FLOAT initializer (raw little-endian data or `floatData`); undefined for any other element type. */
export function readFloats(tensor: TensorProto): Float32Array | undefined {
  if (tensor.dataType !== DataType.FLOAT) return undefined;
  const count = dimsOf(tensor).reduce((a, b) => a * b, 1);
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Float32Array.from({ length: count }, (_, i) => view.getFloat32(i * 4, true));
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** A FLOAT initializer stored as raw little-endian bytes. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const raw = new Uint8Array(values.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i] as number, true);
  return { name, dims, dataType: DataType.FLOAT, rawData: raw };
}

/** An INT8 or UINT8 initializer. */
export function byteTensor(name: string, dims: number[], values: Int8Array | Uint8Array): TensorProto {
  const dataType = values instanceof Int8Array ? DataType.INT8 : DataType.UINT8;
  return { name, dims, dataType, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) };
}

/** A FLOAT16 initializer from float values (rounded to the nearest half, ties to even). */
export function float16Tensor(name: string, dims: number[], values: ArrayLike<number>): TensorProto {
  const raw = new Uint8Array(values.length * 2);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, toHalfBits(values[i] as number), true);
  return { name, dims, dataType: DataType.FLOAT16, rawData: raw };
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE 754 binary16 bits of a number: round to nearest even, overflow to ±Infinity, subnormals kept. */
export function toHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  let e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1))) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1))) half++;
  e = half >>> 10;
  return sign | (e >= 0x1f ? 0x7c00 : half);
}
