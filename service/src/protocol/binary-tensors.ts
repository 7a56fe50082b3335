/**
 * The binary tensor data extension (Triton's `binary_tensor_data`, also KServe's): a JSON header of
 * `Inference-Header-Content-Length` bytes, then each binary tensor's raw little-endian bytes in the order the
 * JSON lists them. Every size is checked against the body before anything is allocated.
 */
import { badRequest, describeValue } from '../errors.js';
import type { DatatypeInfo } from './datatypes.js';
import type { TensorData } from './tensor.js';



/** A request body split into its JSON header and the binary tensor bytes behind it. */
export interface SplitBody {
  headerText: string;
  binary: BinarySection;
}

/** Splits a body by its `Inference-Header-Content-Length` value; 400 when the value is not a length inside the body. */
export function splitBinaryBody(body: Uint8Array, headerLength: string): SplitBody {
  const length = /^\s*\d{1,15}\s*$/.test(headerLength) ? Number(headerLength) : NaN;
  if (!Number.isSafeInteger(length)) {
    throw badRequest(`Inference-Header-Content-Length: ${describeValue(headerLength)} is not a byte count; expected the length of the JSON header in bytes`);
  }
  if (length > body.length) {
    throw badRequest(`Inference-Header-Content-Length: ${length} bytes of JSON header announced, but the body has only ${body.length} bytes`);
  }
  const headerText = Buffer.from(body.buffer, body.byteOffset, length).toString('utf8');
  return { headerText, binary: new BinarySection(body.subarray(length)) };
}

/** The tensor bytes after the JSON header, consumed in order by the inputs that declare `binary_data_size`. */
export class BinarySection {
  private offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  /** The next `size` bytes for `field`; 400 when fewer are left. */
  take(size: number, field: string): Uint8Array {
    const left = this.bytes.length - this.offset;
    if (size > left) {
      throw badRequest(`${field}: binary_data_size ${size} exceeds the ${left} bytes of binary data left after the JSON header (${this.bytes.length} in all)`);
    }
    const part = this.bytes.subarray(this.offset, this.offset + size);
    this.offset += size;
    return part;
  }

  /** 400 when bytes are left over: the declared sizes do not add up to the body. */
  finish(): void {
    if (this.offset !== this.bytes.length) {
      throw badRequest(`inputs: the binary_data_size values add up to ${this.offset} bytes, but ${this.bytes.length} bytes follow the JSON header (Inference-Header-Content-Length)`);
    }
  }
}

/** Reads `binary_data_size` from an input's parameters: undefined when absent, 400 when not a byte count. */
export function binaryDataSize(parameters: Record<string, unknown> | undefined, field: string): number | undefined {
  const size = parameters?.binary_data_size;
  if (size === undefined) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw badRequest(`${field}.parameters.binary_data_size: ${describeValue(size)} is not a byte count; expected a non-negative integer`);
  }
  return size;
}

/**
 * Copies raw little-endian bytes into a fresh typed array of `count` elements. The copy is what makes the data
 * aligned and its buffer transferable to a worker; the caller has checked `bytes.length === count * info.bytes`.
 */
export function tensorFromBytes(bytes: Uint8Array, info: DatatypeInfo, count: number): TensorData {
  const data = info.allocate(count);
  new Uint8Array(data.buffer, data.byteOffset, data.byteLength).set(bytes);
  return data;
}

/** A tensor's bytes as they go on the wire (a view, no copy; the platforms served are little-endian). */
export function tensorBytes(data: TensorData): Buffer {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
