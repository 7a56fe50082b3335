import { OptimizeRequestError } from './errors.js';
import { denseLayers } from './graph/dense-layers.js';
import { ModelGraph } from './graph/model-graph.js';
import { convertToFloat16 } from './transforms/fp16.js';
import { pruneHiddenUnits, type PrunedLayer } from './transforms/prune.js';
import { quantizeDynamic, quantizeWeightsOnly, type Granularity } from './transforms/quantize-int8.js';

/** The quantization formats `keelson models optimize --quantize` writes. */
export const QUANTIZATIONS = ['int8', 'int8-weights', 'fp16'] as const;
export type Quantization = (typeof QUANTIZATIONS)[number];

/** What to do to a model: prune first (if asked), then quantize (if asked). */
export interface TransformSpec {
  quantize?: Quantization;
  /** Fraction of hidden units to remove between consecutive dense layers. */
  prune?: number;
  granularity: Granularity;
  reduceRange: boolean;
}

export interface TransformResult {
  bytes: Uint8Array;
  /** A short name of what was done, e.g. `prune-0.5+int8`. */
  transform: string;
  denseLayers: number;
  pruned: PrunedLayer[];
}

/** Applies a transform spec to ONNX bytes; throws `UnsupportedGraphError` / `OptimizeRequestError` naming what does not fit. */
export function transformModel(bytes: Uint8Array, spec: TransformSpec): TransformResult {
  if (!spec.quantize && spec.prune === undefined) throw new OptimizeRequestError('nothing to do: give --quantize int8|int8-weights|fp16 and/or --prune RATIO');
  if (spec.quantize && !QUANTIZATIONS.includes(spec.quantize)) {
    throw new OptimizeRequestError(`--quantize ${spec.quantize}: expected one of ${QUANTIZATIONS.join(', ')}`);
  }
  const graph = ModelGraph.decode(bytes);
  const layers = denseLayers(graph);
  const pruned = spec.prune === undefined ? [] : pruneHiddenUnits(graph, layers, spec.prune);
  const int8 = { granularity: spec.granularity, reduceRange: spec.reduceRange };
  if (spec.quantize === 'int8') quantizeDynamic(graph, layers, int8);
  if (spec.quantize === 'int8-weights') quantizeWeightsOnly(graph, layers, int8);
  if (spec.quantize === 'fp16') convertToFloat16(graph, layers);
  const transform = [spec.prune === undefined ? '' : `prune-${spec.prune}`, spec.quantize ?? ''].filter(Boolean).join('+');
  return { bytes: graph.encode(), transform, denseLayers: layers.length, pruned };
}
