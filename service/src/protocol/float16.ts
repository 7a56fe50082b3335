/**
 * IEEE 754 half precision (FP16) ↔ JavaScript numbers. Node 20 has no `Float16Array`, so FP16 tensors are held
 * as their raw 16-bit patterns in a `Uint16Array` (what onnxruntime takes and gives for `float16`).
 */

const FLOAT_VIEW = new Float32Array(1);
const BITS_VIEW = new Uint32Array(FLOAT_VIEW.buffer);

/** The largest finite FP16 value. */
export const FLOAT16_MAX = 65504;

/** Rounds a number to the nearest FP16 (ties to even, as IEEE 754 does) and returns its bit pattern. */
export function toFloat16Bits(value: number): number {
  FLOAT_VIEW[0] = value;
  const bits = BITS_VIEW[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // NaN stays NaN, ±Infinity stays
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00; // beyond FP16: ±Infinity
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign; // underflows to ±0
    mantissa |= 0x800000; // subnormal: shift the implicit bit in
    const shift = 14 - halfExponent;
    const half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const midway = 1 << (shift - 1);
    return sign | (half + (rest > midway || (rest === midway && (half & 1)) ? 1 : 0));
  }
  const half = (halfExponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa rounds up into the exponent, which is the correct next value (up to Infinity).
  return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1)) ? 1 : 0));
}

/** The number an FP16 bit pattern holds (exact: every FP16 value is a float64). */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
