import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { ModelManifest } from '../../service/src/manifest.js';
import { GraphBuilder, int, type ElementType } from '../../tools/samples/onnx/graph-builder.js';
import { sha256Hex } from '../../tools/samples/sample-manifest.js';

const { DataType } = onnxProto.onnx.TensorProto;
const FLOAT16 = DataType.FLOAT16 as ElementType;
const FLOAT = DataType.FLOAT as ElementType;

/**
 * A model with float16 graph I/O: `x` FP16 [N,4] → `doubled` FP16 [N,4] (x · 2, computed in float32) and
 * `widened` FP32 [N,4] (x as float32), written to `DIR/half/1/`.
 */
export function writeFp16Model(dir: string): ModelManifest {
  const graph = new GraphBuilder('half');
  const x = graph.input('x', FLOAT16, ['N', 4]);
  const widened = graph.node('Cast', [x], 'widened', { to: int(DataType.FLOAT) });
  const two = graph.floats('two', [1], [2]);
  const product = graph.node('Mul', [widened, two], 'product');
  graph.node('Cast', [product], 'doubled', { to: int(DataType.FLOAT16) });
  graph.output('doubled', FLOAT16, ['N', 4]);
  graph.output('widened', FLOAT, ['N', 4]);
  const onnx = graph.encode();
  const manifest: ModelManifest = {
    name: 'half',
    version: '1',
    sha256: sha256Hex(onnx),
    description: 'FP16 graph I/O for protocol tests.',
    features: ['a', 'b', 'c', 'd'],
    inputs: [{ name: 'x', datatype: 'FP16', shape: [-1, 4] }],
    outputs: [{ name: 'doubled', datatype: 'FP16', shape: [-1, 4] }, { name: 'widened', datatype: 'FP32', shape: [-1, 4] }],
    batching: { max_batch_size: 16, max_queue_delay_us: 500 },
  };
  const versionDir = join(dir, 'half', '1');
  mkdirSync(versionDir, { recursive: true });
  writeFileSync(join(versionDir, 'model.onnx'), onnx);
  writeFileSync(join(versionDir, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
