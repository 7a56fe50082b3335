import { badRequest, describeValue } from '../errors.js';
import type { Datatype, TensorSpec } from '../manifest.js';
import { binaryDataSize, tensorFromBytes, type BinarySection } from './binary-tensors.js';
import { ALL_DATATYPES, DATATYPES, type DatatypeInfo } from './datatypes.js';
import { toFloat16Bits } from './float16.js';
import { elementCount, type Tensor, type TensorData } from './tensor.js';

/** The request's JSON fields for one input tensor, after the name has been matched to a model input. */
export interface RawTensor {
  datatype: unknown;
  shape: unknown;
  data: unknown;
  parameters?: Record<string, unknown>;
}

/**
 * Validates one input tensor against the model's declaration and decodes it into a typed array: from JSON
 * `data`, or from the request's binary section when the input declares `parameters.binary_data_size`.
 * Everything is checked (datatype, shape, element count or byte size, structure, every JSON value) before the
 * typed array is allocated, so an absurd shape claim costs nothing. `field` names the tensor in error messages.
 */
export function decodeTensor(raw: RawTensor, spec: TensorSpec, field: string, maxElements: number, binary?: BinarySection): Tensor {
  const info = checkDatatype(raw.datatype, spec, `${field}.datatype`);
  const shape = checkShape(raw.shape, spec, `${field}.shape`);
  const count = elementCount(shape);
  const binarySize = binaryDataSize(raw.parameters, field);
  if (binarySize !== undefined) return { datatype: spec.datatype, shape, data: decodeBinary(raw, info, shape, count, binarySize, field, binary) };
  if (count > maxElements) {
    throw badRequest(`${field}.shape: ${describeShape(shape)} claims ${count} elements; a request may carry at most ${maxElements}`);
  }
  if (!Array.isArray(raw.data)) {
    throw badRequest(`${field}.data: expected an array of ${count} values (flat or nested), got ${describeValue(raw.data)}`);
  }
  const nested = raw.data.some(Array.isArray);
  if (nested) checkNesting(raw.data, shape, 0, `${field}.data`);
  else if (raw.data.length !== count) {
    throw badRequest(`${field}.data: has ${raw.data.length} elements but shape ${describeShape(shape)} needs ${count}`);
  }
  const data = info.allocate(count) as unknown as unknown[];
  const values = nested ? flatten(raw.data, []) : raw.data;
  for (let index = 0; index < count; index++) {
    const converted = convertElement(values[index], spec.datatype, info);
    if (converted === undefined) {
      throw badRequest(
        `${field}.data: element ${index} (row-major) is ${describeValue(values[index])}; expected ${expectation(spec.datatype, info)}`,
      );
    }
    data[index] = converted;
  }
  return { datatype: spec.datatype, shape, data: data as unknown as Tensor['data'] };
}

/** An input sent as binary data: its declared size must be exactly shape × element size, and present in the body. */
function decodeBinary(raw: RawTensor, info: DatatypeInfo, shape: number[], count: number, size: number, field: string, binary: BinarySection | undefined): TensorData {
  if (!binary) {
    throw badRequest(`${field}.parameters.binary_data_size: ${size} given, but the request has no binary part; send the JSON header's length in Inference-Header-Content-Length and the tensor bytes after it`);
  }
  if (raw.data !== undefined) throw badRequest(`${field}.data: must be absent when parameters.binary_data_size is given (the tensor is in the binary part)`);
  const expected = count * info.bytes;
  if (size !== expected) {
    throw badRequest(`${field}.parameters.binary_data_size: ${size} bytes, but shape ${describeShape(shape)} of ${raw.datatype as string} needs ${count} × ${info.bytes} = ${expected} bytes`);
  }
  const bytes = binary.take(size, `${field}.parameters`);
  if (info.kind === 'bool') {
    const bad = bytes.findIndex((b) => b > 1);
    if (bad >= 0) throw badRequest(`${field}: binary BOOL element ${bad} is byte ${bytes[bad]}; expected 0 (false) or 1 (true)`);
  }
  return tensorFromBytes(bytes, info, count);
}

/** `[2,4]` style, as shapes appear in requests. */
function describeShape(shape: readonly unknown[]): string {
  return `[${shape.map((d) => describeValue(d, 20)).join(',')}]`;
}

function checkDatatype(value: unknown, spec: TensorSpec, field: string): DatatypeInfo {
  if (typeof value !== 'string' || !ALL_DATATYPES.includes(value as Datatype)) {
    throw badRequest(`${field}: ${describeValue(value)} is not a protocol datatype; expected ${spec.datatype} for input "${spec.name}"`);
  }
  const info = DATATYPES[value as Datatype];
  if (!info) throw badRequest(`${field}: ${value} is not supported over JSON or binary data by this server; input "${spec.name}" expects ${spec.datatype}`);
  if (value !== spec.datatype) throw badRequest(`${field}: input "${spec.name}" expects ${spec.datatype}, got ${value}`);
  return info;
}

function checkShape(value: unknown, spec: TensorSpec, field: string): number[] {
  if (!Array.isArray(value)) throw badRequest(`${field}: expected an array like ${describeShape(spec.shape)}, got ${describeValue(value)}`);
  if (value.length !== spec.shape.length) {
    throw badRequest(`${field}: ${describeShape(value.slice(0, 8))} has ${value.length} dimensions; input "${spec.name}" expects ${spec.shape.length} (${describeShape(spec.shape)})`);
  }
  for (let i = 0; i < value.length; i++) {
    const dim: unknown = value[i];
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) {
      throw badRequest(`${field}[${i}]: ${describeValue(dim)} is not a dimension; expected a non-negative integer`);
    }
    const want = spec.shape[i]!;
    if (want >= 0 && dim !== want) {
      throw badRequest(`${field}: ${describeShape(value)} does not match ${describeShape(spec.shape)} of input "${spec.name}" (dimension ${i} must be ${want})`);
    }
  }
  return value as number[];
}

/** Nested data must mirror the shape exactly: every array at depth d has shape[d] items. */
function checkNesting(data: unknown[], shape: number[], depth: number, field: string): void {
  if (depth >= shape.length || data.length !== shape[depth]) {
    throw badRequest(`${field}: nested data does not match shape ${describeShape(shape)} (an array at depth ${depth} has ${data.length} items, expected ${depth < shape.length ? shape[depth] : 'a number'})`);
  }
  if (depth === shape.length - 1) {
    if (data.some(Array.isArray)) throw badRequest(`${field}: nested data is deeper than shape ${describeShape(shape)}`);
    return;
  }
  for (const item of data) {
    if (!Array.isArray(item)) throw badRequest(`${field}: nested data does not match shape ${describeShape(shape)} (found ${describeValue(item)} at depth ${depth + 1}, expected an array)`);
    checkNesting(item, shape, depth + 1, field);
  }
}

function flatten(data: unknown[], into: unknown[]): unknown[] {
  for (const item of data) {
    if (Array.isArray(item)) flatten(item, into);
    else into.push(item);
  }
  return into;
}

function convertElement(value: unknown, datatype: Datatype, info: DatatypeInfo): number | bigint | undefined {
  if (info.kind === 'bool') return typeof value === 'boolean' ? (value ? 1 : 0) : undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < info.min || value > info.max) return undefined;
  if (info.kind === 'integer') {
    if (!Number.isInteger(value)) return undefined;
    return info.bigint ? BigInt(value) : value;
  }
  if (datatype === 'FP16') return toFloat16Bits(value);
  return datatype === 'FP32' || datatype === 'FP64' ? value : undefined;
}

function expectation(datatype: Datatype, info: DatatypeInfo): string {
  if (info.kind === 'bool') return 'true or false for BOOL';
  if (info.kind === 'integer') return `an integer between ${info.min} and ${info.max} for ${datatype}`;
  return `a finite number for ${datatype} (magnitude at most ${info.max})`;
}
