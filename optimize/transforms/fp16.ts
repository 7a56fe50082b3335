import type { DenseLayer } from '../graph/dense-layers.js';
import { intAttr, type ModelGraph, type NodeProto } from '../graph/model-graph.js';
import { DataType, dimsOf, float16Tensor } from '../graph/tensors.js';

/**
 * Runs the dense layers (MatMul, bias Add, activation) in float16 with float16 weights; Casts convert at the
 * edges of that region, so graph inputs and outputs stay float32 and the rest of the graph (standardisation,
 * Softmax, ArgMax) stays float32.
 */
export function convertToFloat16(graph: ModelGraph, layers: DenseLayer[]): void {
  const region = new Set<NodeProto>(layers.flatMap((l) => [l.matmul, ...(l.bias ? [l.bias.node] : []), ...(l.activation ? [l.activation] : [])]));
  const produced = new Set([...region].flatMap((n) => n.output ?? []));
  const halfOf = new Map<string, string>();
  for (const node of graph.nodes.filter((n) => region.has(n))) {
    node.input = (node.input ?? []).map((name) => {
      if (produced.has(name)) return name;
      const cached = halfOf.get(name);
      if (cached) return cached;
      const half = graph.fresh(`${name}_fp16`);
      const constant = graph.constantFloats(name);
      const tensor = graph.initializers.get(name);
      if (constant && tensor) graph.setInitializer(float16Tensor(half, dimsOf(tensor), constant));
      else graph.insertBefore(node, [graph.makeNode('Cast', [name], [half], [intAttr('to', DataType.FLOAT16)])]);
      halfOf.set(name, half);
      return half;
    });
  }
  for (const node of [...region]) {
    node.output = (node.output ?? []).map((name) => {
      const { nodes, isGraphOutput } = graph.consumers(name);
      if (!isGraphOutput && nodes.every((n) => region.has(n))) return name;
      const half = graph.fresh(`${name}_fp16`);
      const at = graph.nodes.indexOf(node);
      graph.nodes.splice(at + 1, 0, graph.makeNode('Cast', [half], [name], [intAttr('to', DataType.FLOAT)]));
      for (const consumer of nodes.filter((n) => region.has(n))) consumer.input = (consumer.input ?? []).map((i) => (i === name ? half : i));
      return half;
    });
  }
}
