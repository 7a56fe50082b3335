import { UnsupportedGraphError } from '../errors.js';
import type { DenseLayer } from '../graph/dense-layers.js';
import { intAttr, type ModelGraph } from '../graph/model-graph.js';
import { byteTensor, DataType, floatTensor } from '../graph/tensors.js';

/** How weights are scaled: one scale per output unit (column) or one for the whole matrix. */
export type Granularity = 'per-channel' | 'per-tensor';

export interface Int8Options {
  granularity: Granularity;
  /**
   * Weights in [-63, 63] instead of [-127, 127]. u8·s8 integer kernels on x86 CPUs without VNNI add pairs of
   * products in saturating 16-bit lanes; 7-bit weights cannot overflow them (onnxruntime's `reduce_range`).
   */
  reduceRange: boolean;
}

/** Symmetric int8 weights (zero point 0) and their scales, per column or per matrix, of a `[rows, cols]` matrix. */
export function quantizeWeights(values: Float32Array, rows: number, cols: number, granularity: Granularity, qmax: number): { q: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(granularity === 'per-channel' ? cols : 1);
  for (let i = 0; i < values.length; i++) {
    const s = granularity === 'per-channel' ? i % cols : 0;
    scales[s] = Math.max(scales[s] as number, Math.abs(values[i] as number));
  }
  for (let s = 0; s < scales.length; s++) scales[s] = (scales[s] as number) > 0 ? (scales[s] as number) / qmax : 1;
  const q = new Int8Array(rows * cols);
  for (let i = 0; i < q.length; i++) {
    const scale = scales[granularity === 'per-channel' ? i % cols : 0] as number;
    q[i] = Math.max(-qmax, Math.min(qmax, Math.round((values[i] as number) / scale)));
  }
  return { q, scales };
}

/**
 * Dynamic quantization, the pattern onnxruntime's `quantize_dynamic` emits and fuses at load
 * (`DynamicQuantizeMatMul`): `DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q) → Cast → Mul(x_scale · W_scale)`,
 * the bias `Add` kept after it.
 */
export function quantizeDynamic(graph: ModelGraph, layers: DenseLayer[], options: Int8Options): void {
  if (graph.opset < 11) throw new UnsupportedGraphError(`opset ${graph.opset}: int8 dynamic quantization needs DynamicQuantizeLinear (opset 11 or later)`);
  const qmax = options.reduceRange ? 63 : 127;
  for (const layer of layers) {
    const { matmul, weights, inputs, units } = layer;
    const { q, scales } = quantizeWeights(graph.constantFloats(weights) as Float32Array, inputs, units, options.granularity, qmax);
    const dims = options.granularity === 'per-channel' ? [units] : [];
    const wq = graph.setInitializer(byteTensor(graph.fresh(`${weights}_quantized`), [inputs, units], q));
    const wScale = graph.setInitializer(floatTensor(graph.fresh(`${weights}_scale`), dims, scales));
    const wZero = graph.setInitializer(byteTensor(graph.fresh(`${weights}_zero_point`), dims, new Int8Array(scales.length)));
    const x = matmul.input?.[0] ?? '';
    const [xq, xScale, xZero, product, productFloat, scale] = ['quantized', 'scale', 'zero_point', 'int32', 'float', 'scales'].map((s) => graph.fresh(`${x}_${s}`)) as string[];
    graph.replace(matmul, [
      graph.makeNode('DynamicQuantizeLinear', [x], [xq as string, xScale as string, xZero as string]),
      graph.makeNode('MatMulInteger', [xq as string, wq, xZero as string, wZero], [product as string]),
      graph.makeNode('Cast', [product as string], [productFloat as string], [intAttr('to', DataType.FLOAT)]),
      graph.makeNode('Mul', [xScale as string, wScale], [scale as string]),
      graph.makeNode('Mul', [productFloat as string, scale as string], [matmul.output?.[0] ?? '']),
    ]);
  }
}

/**
 * Weight-only quantization: int8 weights with a `DequantizeLinear` back to float in front of each MatMul.
 * A smaller file; the compute stays float (onnxruntime does not fuse an 8-bit DQ → MatMul on CPU).
 */
export function quantizeWeightsOnly(graph: ModelGraph, layers: DenseLayer[], options: Int8Options): void {
  if (options.granularity === 'per-channel' && graph.opset < 13) {
    throw new UnsupportedGraphError(`opset ${graph.opset}: per-channel DequantizeLinear needs opset 13 or later; use per-tensor scales`);
  }
  for (const layer of layers) {
    const { matmul, weights, inputs, units } = layer;
    const { q, scales } = quantizeWeights(graph.constantFloats(weights) as Float32Array, inputs, units, options.granularity, 127);
    const dims = options.granularity === 'per-channel' ? [units] : [];
    const wq = graph.setInitializer(byteTensor(graph.fresh(`${weights}_quantized`), [inputs, units], q));
    const wScale = graph.setInitializer(floatTensor(graph.fresh(`${weights}_scale`), dims, scales));
    const wZero = graph.setInitializer(byteTensor(graph.fresh(`${weights}_zero_point`), dims, new Int8Array(scales.length)));
    const dequantized = graph.fresh(`${weights}_dequantized`);
    const attributes = options.granularity === 'per-channel' ? [intAttr('axis', 1)] : [];
    graph.insertBefore(matmul, [graph.makeNode('DequantizeLinear', [wq, wScale, wZero], [dequantized], attributes)]);
    matmul.input = [matmul.input?.[0] ?? '', dequantized];
  }
}
