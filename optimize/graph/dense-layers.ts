import { UnsupportedGraphError } from '../errors.js';
import { describeNode, floatAttribute, intAttribute, type ModelGraph, type NodeProto } from './model-graph.js';
import { dimsOf, floatTensor } from './tensors.js';

/** Elementwise activations that may sit between two dense layers (pruning keeps them per unit). */
export const ACTIVATIONS = new Set(['Relu', 'Tanh', 'Sigmoid', 'LeakyRelu', 'Elu', 'Softplus', 'HardSigmoid', 'Selu']);

/** Operators the optimizer leaves in place around the dense layers; anything else is refused by name. */
const PASS_THROUGH = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Softmax', 'LogSoftmax', 'ArgMax', 'ArgMin', 'Cast', 'Identity', 'Reshape', 'Flatten',
  'Squeeze', 'Unsqueeze', 'Concat', 'Clip', 'Sqrt', 'Exp', 'Log', 'Neg', 'Abs', 'ReduceSum', 'ReduceMean', 'ReduceMax',
  'Transpose', 'Shape', 'Gather', 'Constant',
]);

/** One `MatMul(x, W) [+ Add(b)] [+ activation]` block with constant weights `W` of shape `[inputs, units]`. */
export interface DenseLayer {
  matmul: NodeProto;
  weights: string;
  inputs: number;
  units: number;
  /** The `Add` of a constant bias of `units` values, when the MatMul's only consumer is one. */
  bias?: { node: NodeProto; name: string };
  activation?: NodeProto;
  /** The value the block produces (after bias and activation). */
  output: string;
}

/**
 * Checks every node against what the optimizer understands, rewrites plain `Gemm` nodes into `MatMul` + `Add`,
 * and returns the dense layers in graph order. Throws `UnsupportedGraphError` naming the first node that does not fit.
 */
export function denseLayers(graph: ModelGraph): DenseLayer[] {
  for (const node of [...graph.nodes]) {
    if (node.domain) throw new UnsupportedGraphError(`${describeNode(node)}: operators of domain '${node.domain}' are not supported; only default-domain ONNX operators can be optimized`);
    if (node.opType === 'Gemm') gemmToMatMul(graph, node);
    else if (node.opType !== 'MatMul' && !ACTIVATIONS.has(node.opType ?? '') && !PASS_THROUGH.has(node.opType ?? '')) {
      throw new UnsupportedGraphError(`${describeNode(node)}: operator ${node.opType} is not supported by keelson models optimize (expected MatMul/Gemm dense layers with elementwise activations and ${[...PASS_THROUGH].slice(0, 6).join(', ')}, … around them)`);
    }
  }
  const layers = graph.nodes.filter((n) => n.opType === 'MatMul').map((matmul) => denseLayer(graph, matmul));
  if (layers.length === 0) throw new UnsupportedGraphError('the graph has no MatMul or Gemm node: there is nothing to optimize');
  return layers;
}

function denseLayer(graph: ModelGraph, matmul: NodeProto): DenseLayer {
  const [x = '', weights = ''] = matmul.input ?? [];
  const tensor = graph.initializers.get(weights);
  if (!tensor || !graph.constantFloats(weights)) {
    throw new UnsupportedGraphError(`${describeNode(matmul)}: input B '${weights}' is not a constant FLOAT initializer; only MatMul/Gemm nodes with constant float weights can be optimized`);
  }
  if (graph.initializers.has(x)) throw new UnsupportedGraphError(`${describeNode(matmul)}: input A '${x}' is a constant; expected the activations`);
  const dims = dimsOf(tensor);
  if (dims.length !== 2) throw new UnsupportedGraphError(`${describeNode(matmul)}: weights '${weights}' have shape [${dims.join(', ')}]; expected a 2-D [inputs, units] matrix`);
  const [inputs = 0, units = 0] = dims;
  let output = matmul.output?.[0] ?? '';
  const layer: DenseLayer = { matmul, weights, inputs, units, output };
  const bias = soleConsumer(graph, output, 'Add');
  const biasName = bias?.input?.find((name) => name !== output) ?? '';
  if (bias && graph.constantFloats(biasName)?.length === units) {
    layer.bias = { node: bias, name: biasName };
    output = bias.output?.[0] ?? '';
  }
  const activation = graph.consumers(output).nodes.find((n) => ACTIVATIONS.has(n.opType ?? ''));
  if (activation && soleConsumer(graph, output, activation.opType ?? '') === activation) {
    layer.activation = activation;
    output = activation.output?.[0] ?? '';
  }
  layer.output = output;
  return layer;
}

/** The one node reading `value`, if it is of `opType` and `value` is not also a graph output. */
export function soleConsumer(graph: ModelGraph, value: string, opType: string): NodeProto | undefined {
  const { nodes, isGraphOutput } = graph.consumers(value);
  return !isGraphOutput && nodes.length === 1 && nodes[0]?.opType === opType ? nodes[0] : undefined;
}

/** `Gemm(A, B, C)` with transA 0, alpha 1, beta 1 and constant B, C becomes `MatMul(A, B')` + `Add(C)`. */
function gemmToMatMul(graph: ModelGraph, gemm: NodeProto): void {
  const [a = '', b = '', c] = gemm.input ?? [];
  const refuse = (why: string): never => {
    throw new UnsupportedGraphError(`${describeNode(gemm)}: ${why}`);
  };
  if (intAttribute(gemm, 'transA', 0) !== 0) refuse('transA=1 is not supported; expected transA=0');
  if (floatAttribute(gemm, 'alpha', 1) !== 1) refuse(`alpha=${floatAttribute(gemm, 'alpha', 1)} is not supported; expected 1`);
  const weights = graph.constantFloats(b);
  const tensor = graph.initializers.get(b);
  if (!weights || !tensor) return refuse(`input B '${b}' is not a constant FLOAT initializer; only MatMul/Gemm nodes with constant float weights can be optimized`);
  let [rows = 0, cols = 0] = dimsOf(tensor);
  let values = weights;
  if (intAttribute(gemm, 'transB', 0) === 1) {
    values = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) values[j * rows + i] = weights[i * cols + j] as number;
    [rows, cols] = [cols, rows];
  }
  const matmulWeights = graph.setInitializer(floatTensor(graph.fresh(`${b}_matmul`), [rows, cols], values));
  const output = gemm.output?.[0] ?? '';
  if (!c) {
    graph.replace(gemm, [graph.makeNode('MatMul', [a, matmulWeights], [output])]);
    return;
  }
  const bias = graph.constantFloats(c);
  const beta = floatAttribute(gemm, 'beta', 1);
  if (!bias || bias.length !== cols) return refuse(`input C '${c}' must be a constant FLOAT vector of ${cols} values`);
  const scaledBias = graph.setInitializer(floatTensor(graph.fresh(`${c}_bias`), [cols], bias.map((v) => v * beta)));
  const product = graph.fresh(`${output}_product`);
  graph.replace(gemm, [graph.makeNode('MatMul', [a, matmulWeights], [product]), graph.makeNode('Add', [product, scaledBias], [output])]);
}
