import { describe, expect, it } from 'vitest';
import { toHalfBits } from '../../optimize/graph/tensors.js';

describe('float32 → float16 rounding', () => {
  it.each([
    [1, 0x3c00], [-2, 0xc000], [0.1, 0x2e66], [65504, 0x7bff], [65520, 0x7c00], [-Infinity, 0xfc00],
    [2 ** -24, 0x0001], [2 ** -26, 0x0000], [1 + 2 ** -11, 0x3c00], [1 + 3 * 2 ** -11, 0x3c02], [0, 0],
  ])('%d → 0x%s', (value, bits) => {
    expect(toHalfBits(value)).toBe(bits);
  });

  it('keeps NaN a NaN', () => {
    const bits = toHalfBits(Number.NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x3ff).not.toBe(0);
  });
});
