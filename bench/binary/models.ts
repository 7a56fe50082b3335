import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import type { ModelManifest } from '../../service/src/manifest.js';
import { buildMlpModel } from '../../tools/samples/index.js';
import { GraphBuilder, int } from '../../tools/samples/onnx/graph-builder.js';
import { sha256Hex } from '../../tools/samples/sample-manifest.js';

const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT;

/** Writes `DIR/<name>/<version>/model.{onnx,json}` unless the same bytes are already there. */
function writeModel(dir: string, onnx: Uint8Array, manifest: ModelManifest): void {
  const versionDir = join(dir, manifest.name, manifest.version);
  const manifestFile = join(versionDir, 'model.json');
  if (existsSync(manifestFile) && (JSON.parse(readFileSync(manifestFile, 'utf8')) as ModelManifest).sha256 === manifest.sha256) return;
  mkdirSync(versionDir, { recursive: true });
  writeFileSync(join(versionDir, 'model.onnx'), onnx);
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `wide:1`: a 1024-16-3 MLP, so a 64×1024 request is mostly protocol work (≈2 MFLOP of compute per request). */
export function writeWideModel(dir: string): string {
  const { onnx, manifest } = buildMlpModel({ name: 'wide', version: '1', inputSize: 1024, hidden: [16], outputSize: 3, seed: 11 });
  writeModel(dir, onnx, manifest);
  return 'wide:1';
}

/** `image:1`: `image` FP32 [N,3,224,224] → per-channel mean `means` FP32 [N,3] (GlobalAveragePool, Flatten). */
export function writeImageModel(dir: string): string {
  const graph = new GraphBuilder('image-means');
  const image = graph.input('image', FLOAT, ['N', 3, 224, 224]);
  const pooled = graph.node('GlobalAveragePool', [image], 'pooled');
  graph.node('Flatten', [pooled], 'means', { axis: int(1) });
  graph.output('means', FLOAT, ['N', 3]);
  const onnx = graph.encode();
  writeModel(dir, onnx, {
    name: 'image',
    version: '1',
    sha256: sha256Hex(onnx),
    description: 'Per-channel means of a 3×224×224 image: protocol cost of an image-sized input.',
    features: [],
    inputs: [{ name: 'image', datatype: 'FP32', shape: [-1, 3, 224, 224] }],
    outputs: [{ name: 'means', datatype: 'FP32', shape: [-1, 3] }],
  });
  return 'image:1';
}
