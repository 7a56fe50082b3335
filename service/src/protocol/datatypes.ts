import type { Datatype } from '../manifest.js';
import { FLOAT16_MAX, fromFloat16Bits } from './float16.js';
import type { TensorData } from './tensor.js';

/** How one protocol datatype is stored and which JSON values it accepts. */
export interface DatatypeInfo {
  /** The onnxruntime tensor type name. */
  ortType: 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'float16' | 'float32' | 'float64';
  allocate(length: number): TensorData;
  /** Bytes per element in the binary tensor extension (little-endian, BOOL one byte). */
  bytes: number;
  kind: 'bool' | 'integer' | 'float';
  /** Inclusive range of accepted values (integers: exact; floats: magnitude). */
  min: number;
  max: number;
  /** 64-bit integers are held in BigInt arrays. */
  bigint: boolean;
}

const SAFE = Number.MAX_SAFE_INTEGER;
const FLOAT32_MAX = 3.4028234663852886e38;

/** Datatypes the protocol accepts (JSON and binary); BYTES is refused with a clear message. FP16 is held as raw bits. */
export const DATATYPES: Partial<Record<Datatype, DatatypeInfo>> = {
  BOOL: { bytes: 1, ortType: 'bool', allocate: (n) => new Uint8Array(n), kind: 'bool', min: 0, max: 1, bigint: false },
  INT8: { bytes: 1, ortType: 'int8', allocate: (n) => new Int8Array(n), kind: 'integer', min: -128, max: 127, bigint: false },
  INT16: { bytes: 2, ortType: 'int16', allocate: (n) => new Int16Array(n), kind: 'integer', min: -32768, max: 32767, bigint: false },
  INT32: { bytes: 4, ortType: 'int32', allocate: (n) => new Int32Array(n), kind: 'integer', min: -(2 ** 31), max: 2 ** 31 - 1, bigint: false },
  // JSON numbers beyond 2^53 lose precision while parsing, so 64-bit integers are limited to the safe range.
  INT64: { bytes: 8, ortType: 'int64', allocate: (n) => new BigInt64Array(n), kind: 'integer', min: -SAFE, max: SAFE, bigint: true },
  UINT8: { bytes: 1, ortType: 'uint8', allocate: (n) => new Uint8Array(n), kind: 'integer', min: 0, max: 255, bigint: false },
  UINT16: { bytes: 2, ortType: 'uint16', allocate: (n) => new Uint16Array(n), kind: 'integer', min: 0, max: 65535, bigint: false },
  UINT32: { bytes: 4, ortType: 'uint32', allocate: (n) => new Uint32Array(n), kind: 'integer', min: 0, max: 2 ** 32 - 1, bigint: false },
  UINT64: { bytes: 8, ortType: 'uint64', allocate: (n) => new BigUint64Array(n), kind: 'integer', min: 0, max: SAFE, bigint: true },
  // Values are rounded to the nearest FP16; the range is the finite FP16 range.
  FP16: { bytes: 2, ortType: 'float16', allocate: (n) => new Uint16Array(n), kind: 'float', min: -FLOAT16_MAX, max: FLOAT16_MAX, bigint: false },
  FP32: { bytes: 4, ortType: 'float32', allocate: (n) => new Float32Array(n), kind: 'float', min: -FLOAT32_MAX, max: FLOAT32_MAX, bigint: false },
  FP64: { bytes: 8, ortType: 'float64', allocate: (n) => new Float64Array(n), kind: 'float', min: -Number.MAX_VALUE, max: Number.MAX_VALUE, bigint: false },
};

/** All datatype names of the protocol, supported or not. */
export const ALL_DATATYPES: readonly Datatype[] = [
  'BOOL', 'UINT8', 'UINT16', 'UINT32', 'UINT64', 'INT8', 'INT16', 'INT32', 'INT64', 'FP16', 'FP32', 'FP64', 'BYTES',
];

const BY_ORT_TYPE = new Map(Object.entries(DATATYPES).map(([name, info]) => [info.ortType as string, name as Datatype]));

/** Maps an onnxruntime tensor type (`float32`, `int64`...) to the protocol datatype, if supported. */
export function datatypeOfOrtType(ortType: string): Datatype | undefined {
  return BY_ORT_TYPE.get(ortType);
}

/** Reads element `i` of a tensor as a JSON value (numbers, or booleans for BOOL). */
export function jsonElement(datatype: Datatype, data: TensorData, i: number): number | boolean {
  const value = data[i]!;
  if (datatype === 'BOOL') return value !== 0;
  if (datatype === 'FP16') return fromFloat16Bits(value as number);
  return typeof value === 'bigint' ? Number(value) : value;
}
