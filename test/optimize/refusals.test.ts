import { describe, expect, it } from 'vitest';
import { UnsupportedGraphError } from '../../optimize/errors.js';
import { transformModel } from '../../optimize/transform.js';
import { createOnnxSession } from '../../service/src/runtime/onnx-session.js';
import { ElementType, GraphBuilder, int } from '../../tools/samples/onnx/graph-builder.js';

const int8 = { quantize: 'int8', granularity: 'per-channel', reduceRange: true } as const;

/** y = x · W + b through a Gemm with transB = 1 (W stored [out, in]), then Relu. */
function gemmModel(): { bytes: Uint8Array; weights: Float32Array } {
  const b = new GraphBuilder('gemm');
  const weights = Float32Array.from({ length: 3 * 5 }, (_, i) => Math.sin(i + 1));
  const x = b.input('x', ElementType.FLOAT, ['N', 5]);
  const w = b.floats('w', [3, 5], weights);
  const bias = b.floats('b', [3], [0.1, -0.2, 0.3]);
  b.node('Relu', [b.node('Gemm', [x, w, bias], 'linear', { transB: int(1) })], 'y');
  b.output('y', ElementType.FLOAT, ['N', 3]);
  return { bytes: b.encode(), weights };
}

describe('graphs the optimizer refuses, naming the node and operator', () => {
  it('a MatMul whose weights are not a constant', () => {
    const b = new GraphBuilder('two-inputs');
    const x = b.input('x', ElementType.FLOAT, ['N', 4]);
    const w = b.input('w', ElementType.FLOAT, [4, 2]);
    b.node('MatMul', [x, w], 'y');
    b.output('y', ElementType.FLOAT, ['N', 2]);
    expect(() => transformModel(b.encode(), int8)).toThrow(new UnsupportedGraphError("node 'MatMul_0' (MatMul): input B 'w' is not a constant FLOAT initializer; only MatMul/Gemm nodes with constant float weights can be optimized"));
  });

  it('an operator outside the dense-layer patterns', () => {
    const b = new GraphBuilder('conv');
    const x = b.input('x', ElementType.FLOAT, [1, 1, 4, 4]);
    b.node('Conv', [x, b.floats('k', [1, 1, 2, 2], [1, 0, 0, 1])], 'y');
    b.output('y', ElementType.FLOAT, [1, 1, 3, 3]);
    expect(() => transformModel(b.encode(), int8)).toThrow(/^node 'Conv_0' \(Conv\): operator Conv is not supported by keelson models optimize/);
  });

  it('a Gemm with transA = 1', () => {
    const b = new GraphBuilder('transa');
    const x = b.input('x', ElementType.FLOAT, [4, 'N']);
    b.node('Gemm', [x, b.floats('w', [4, 2], new Float32Array(8))], 'y', { transA: int(1) });
    b.output('y', ElementType.FLOAT, ['N', 2]);
    expect(() => transformModel(b.encode(), int8)).toThrow("node 'Gemm_0' (Gemm): transA=1 is not supported; expected transA=0");
  });

  it('pruning a single dense layer (no hidden units to remove)', () => {
    expect(() => transformModel(gemmModel().bytes, { prune: 0.5, granularity: 'per-channel', reduceRange: true })).toThrow(/^no two consecutive dense layers to prune between .*node 'MatMul_opt' \(MatMul\)/);
  });

  it('bytes that are not ONNX', () => {
    expect(() => transformModel(new Uint8Array([1, 2, 3, 4, 5]), int8)).toThrow(/^model.onnx is not a valid ONNX ModelProto/);
  });
});

describe('Gemm layers', () => {
  it('a Gemm with transB = 1 is rewritten and quantized; the result matches float within the int8 step', async () => {
    const { bytes } = gemmModel();
    const x = { x: { datatype: 'FP32' as const, shape: [2, 5], data: Float32Array.from([1, 2, 3, 4, 5, -1, 0.5, 0, 2, -3]) } };
    const run = async (model: Uint8Array) => {
      const session = await createOnnxSession(model, { intraOpNumThreads: 1 });
      const out = await session.run(x);
      await session.release();
      return Array.from(out.y!.data as Float32Array);
    };
    const [reference, quantized] = [await run(bytes), await run(transformModel(bytes, int8).bytes)];
    expect(reference.some((v) => v > 0)).toBe(true);
    quantized.forEach((v, i) => expect(Math.abs(v - reference[i]!)).toBeLessThan(0.1));
  });
});
