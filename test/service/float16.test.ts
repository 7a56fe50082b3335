import { describe, expect, it } from 'vitest';
import { BinarySection } from '../../service/src/protocol/binary-tensors.js';
import { decodeTensor } from '../../service/src/protocol/decode-tensor.js';
import { fromFloat16Bits, toFloat16Bits } from '../../service/src/protocol/float16.js';

describe('FP16 conversion', () => {
  it('round-trips every finite and infinite FP16 bit pattern', () => {
    const wrong: number[] = [];
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0) continue; // NaN payloads
      if (toFloat16Bits(fromFloat16Bits(bits)) !== bits) wrong.push(bits);
    }
    expect(wrong).toEqual([]);
  });

  it.each([
    [65504, 0x7bff], [1 / 3, 0x3555], [-2, 0xc000], [2 ** -24, 0x0001], [2 ** -25, 0x0000], [1.5 * 2 ** -25, 0x0001],
    [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [65520, 0x7c00], [-0, 0x8000],
  ])('rounds %d to the nearest FP16, ties to even (0x%s)', (value, bits) => {
    expect(toFloat16Bits(value)).toBe(bits);
  });
});

describe('binary input decoding', () => {
  const spec = { name: 'flags', datatype: 'BOOL' as const, shape: [-1] };

  it('refuses BOOL bytes other than 0 and 1', () => {
    const binary = new BinarySection(Uint8Array.from([1, 0, 7]));
    expect(() => decodeTensor({ datatype: 'BOOL', shape: [3], data: undefined, parameters: { binary_data_size: 3 } }, spec, 'inputs[0]', 10, binary))
      .toThrow(/inputs\[0\]: binary BOOL element 2 is byte 7; expected 0 \(false\) or 1 \(true\)/);
  });

  it('copies unaligned little-endian bytes into an aligned typed array', () => {
    const bytes = new Uint8Array(1 + 8);
    new DataView(bytes.buffer).setFloat32(1, 1.5, true);
    new DataView(bytes.buffer).setFloat32(5, -2, true);
    const binary = new BinarySection(bytes.subarray(1));
    const tensor = decodeTensor({ datatype: 'FP32', shape: [2], data: undefined, parameters: { binary_data_size: 8 } }, { name: 'x', datatype: 'FP32', shape: [-1] }, 'x', 10, binary);
    expect(Array.from(tensor.data as Float32Array)).toEqual([1.5, -2]);
  });
});
