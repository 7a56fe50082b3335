import { OptimizeRequestError, UnsupportedGraphError } from '../errors.js';
import type { DenseLayer } from '../graph/dense-layers.js';
import { describeNode, type ModelGraph } from '../graph/model-graph.js';
import { floatTensor } from '../graph/tensors.js';

/** What pruning removed, per hidden layer. */
export interface PrunedLayer {
  /** The MatMul whose output units were removed. */
  node: string;
  before: number;
  after: number;
}

/**
 * Structured pruning: between two consecutive dense layers, removes the `ratio` of hidden units with the
 * smallest importance `‖[W_in[:, j]; b_j]‖ · ‖W_out[j, :]‖`, i.e. column j of the first layer's weights, its
 * bias entry and row j of the next layer's weights, so both matrices shrink. No retraining: the change shows
 * up in the measured comparison.
 */
export function pruneHiddenUnits(graph: ModelGraph, layers: DenseLayer[], ratio: number): PrunedLayer[] {
  if (!(ratio > 0 && ratio < 1)) throw new OptimizeRequestError(`--prune ${ratio}: expected a fraction of hidden units between 0 and 1 (exclusive), e.g. 0.5`);
  const pairs = layers.slice(0, -1).map((layer, l) => [layer, layers[l + 1] as DenseLayer] as const).filter(([a, b]) => b.matmul.input?.[0] === a.output);
  if (pairs.length === 0) {
    throw new UnsupportedGraphError(`no two consecutive dense layers to prune between (expected MatMul [+ Add bias] [+ activation] feeding the next MatMul directly; found ${layers.map((l) => describeNode(l.matmul)).join(', ')})`);
  }
  return pairs.map(([layer, next]) => pruneBetween(graph, layer, next, ratio));
}

function pruneBetween(graph: ModelGraph, layer: DenseLayer, next: DenseLayer, ratio: number): PrunedLayer {
  for (const name of [layer.weights, next.weights, ...(layer.bias ? [layer.bias.name] : [])]) {
    const readers = graph.nodes.filter((n) => (n.input ?? []).includes(name));
    if (readers.length !== 1) throw new UnsupportedGraphError(`initializer '${name}' is read by ${readers.length} nodes (${readers.map(describeNode).join(', ')}); pruning needs weights used by one node`);
  }
  const consumers = graph.consumers(layer.output);
  if (consumers.isGraphOutput || consumers.nodes.length !== 1) {
    throw new UnsupportedGraphError(`${describeNode(layer.matmul)}: its layer output '${layer.output}' is read by more than the next MatMul; pruning would change those readers`);
  }
  const w = graph.constantFloats(layer.weights) as Float32Array;
  const b = layer.bias ? (graph.constantFloats(layer.bias.name) as Float32Array) : undefined;
  const v = graph.constantFloats(next.weights) as Float32Array;
  const { inputs, units } = layer;
  const outputs = next.units;
  const importance = Array.from({ length: units }, (_, j) => {
    let incoming = (b?.[j] ?? 0) ** 2;
    for (let i = 0; i < inputs; i++) incoming += (w[i * units + j] as number) ** 2;
    let outgoing = 0;
    for (let k = 0; k < outputs; k++) outgoing += (v[j * outputs + k] as number) ** 2;
    return Math.sqrt(incoming * outgoing);
  });
  const keepCount = Math.max(1, Math.round(units * (1 - ratio)));
  const keep = importance.map((score, j) => ({ score, j })).sort((x, y) => y.score - x.score || x.j - y.j).slice(0, keepCount).map((e) => e.j).sort((x, y) => x - y);
  const wKept = new Float32Array(inputs * keepCount);
  for (let i = 0; i < inputs; i++) keep.forEach((j, c) => (wKept[i * keepCount + c] = w[i * units + j] as number));
  const vKept = new Float32Array(keepCount * outputs);
  keep.forEach((j, r) => vKept.set(v.subarray(j * outputs, (j + 1) * outputs), r * outputs));
  graph.setInitializer(floatTensor(layer.weights, [inputs, keepCount], wKept));
  graph.setInitializer(floatTensor(next.weights, [keepCount, outputs], vKept));
  if (layer.bias && b) graph.setInitializer(floatTensor(layer.bias.name, [keepCount], keep.map((j) => b[j] as number)));
  layer.units = keepCount;
  next.inputs = keepCount;
  return { node: layer.matmul.name ?? '', before: units, after: keepCount };
}
