import onnxProto from 'onnx-proto';
import { UnsupportedGraphError } from '../errors.js';
import { readFloats } from './tensors.js';

const { onnx } = onnxProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;

/**
 * A decoded ONNX model whose main graph the transforms edit in place: nodes in topological order, initializers
 * by name, and fresh value names that cannot collide with existing ones.
 */
export class ModelGraph {
  readonly nodes: NodeProto[];
  readonly initializers = new Map<string, TensorProto>();
  private readonly model: onnxProto.onnx.ModelProto;
  private readonly names = new Set<string>();

  private constructor(model: onnxProto.onnx.ModelProto) {
    this.model = model;
    const graph = model.graph;
    if (!graph) throw new UnsupportedGraphError('the model has no graph');
    this.nodes = [...(graph.node ?? [])];
    for (const tensor of graph.initializer ?? []) this.initializers.set(tensor.name ?? '', tensor);
    for (const value of [...(graph.input ?? []), ...(graph.output ?? []), ...(graph.valueInfo ?? [])]) this.names.add(value.name ?? '');
    for (const node of this.nodes) for (const name of [...(node.input ?? []), ...(node.output ?? []), node.name ?? '']) this.names.add(name);
    for (const name of this.initializers.keys()) this.names.add(name);
  }

  /** Decodes model bytes; refuses bytes that are not an ONNX model with a graph. */
  static decode(bytes: Uint8Array): ModelGraph {
    let model: onnxProto.onnx.ModelProto;
    try {
      model = onnx.ModelProto.decode(bytes);
    } catch (error) {
      throw new UnsupportedGraphError(`model.onnx is not a valid ONNX ModelProto (${error instanceof Error ? error.message : String(error)})`);
    }
    return new ModelGraph(model);
  }

  /** The opset of the default domain. */
  get opset(): number {
    const entry = (this.model.opsetImport ?? []).find((o) => !o.domain);
    return Number(entry?.version ?? 0);
  }

  /** Raises the default-domain opset (never lowers it). */
  requireOpset(version: number): void {
    const entry = (this.model.opsetImport ?? []).find((o) => !o.domain);
    if (entry && Number(entry.version) < version) entry.version = version;
  }

  /** A value name not used anywhere in the graph, based on `hint`. */
  fresh(hint: string): string {
    let name = hint;
    for (let i = 1; this.names.has(name); i++) name = `${hint}_${i}`;
    this.names.add(name);
    return name;
  }

  /** Adds (or replaces) an initializer. */
  setInitializer(tensor: TensorProto): string {
    this.initializers.set(tensor.name ?? '', tensor);
    this.names.add(tensor.name ?? '');
    return tensor.name ?? '';
  }

  /** The float values of a constant FLOAT initializer, or undefined when `name` is not one. */
  constantFloats(name: string): Float32Array | undefined {
    const tensor = this.initializers.get(name);
    return tensor ? readFloats(tensor) : undefined;
  }

  /** Nodes reading `value`, plus whether a graph output is `value`. */
  consumers(value: string): { nodes: NodeProto[]; isGraphOutput: boolean } {
    return {
      nodes: this.nodes.filter((n) => (n.input ?? []).includes(value)),
      isGraphOutput: (this.model.graph?.output ?? []).some((o) => o.name === value),
    };
  }

  /** The node producing `value`, if any. */
  producer(value: string): NodeProto | undefined {
    return this.nodes.find((n) => (n.output ?? []).includes(value));
  }

  /** Replaces `node` by `replacement` (in order, at its position). */
  replace(node: NodeProto, replacement: NodeProto[]): void {
    const at = this.nodes.indexOf(node);
    if (at < 0) throw new Error(`node ${describeNode(node)} is not in the graph`);
    this.nodes.splice(at, 1, ...replacement);
  }

  /** Inserts nodes right before `node`. */
  insertBefore(node: NodeProto, added: NodeProto[]): void {
    this.nodes.splice(this.nodes.indexOf(node), 0, ...added);
  }

  /** Builds a node with a fresh name. */
  makeNode(opType: string, inputs: string[], outputs: string[], attribute: onnxProto.onnx.IAttributeProto[] = [], domain = ''): NodeProto {
    return { opType, name: this.fresh(`${opType}_opt`), input: inputs, output: outputs, attribute, ...(domain ? { domain } : {}) };
  }

  /** Encodes the edited model, dropping initializers that nothing reads any more. */
  encode(): Uint8Array {
    const graph = this.model.graph as onnxProto.onnx.GraphProto;
    const used = new Set(this.nodes.flatMap((n) => n.input ?? []));
    for (const o of graph.output ?? []) used.add(o.name ?? '');
    graph.node = this.nodes as onnxProto.onnx.NodeProto[];
    graph.initializer = [...this.initializers.values()].filter((t) => used.has(t.name ?? '')) as onnxProto.onnx.TensorProto[];
    graph.valueInfo = [];
    this.model.producerName = 'keelson-optimize';
    return onnx.ModelProto.encode(this.model).finish();
  }
}

/** `'name' (OpType)`, the way every refusal names a node. */
export function describeNode(node: NodeProto): string {
  return `node '${node.name || (node.output ?? [])[0] || '?'}' (${node.opType})`;
}

/** An integer attribute of a node, or `fallback`. */
export function intAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = (node.attribute ?? []).find((a) => a.name === name);
  return attribute?.i === undefined || attribute.i === null ? fallback : Number(attribute.i);
}

/** A float attribute of a node, or `fallback`. */
export function floatAttribute(node: NodeProto, name: string, fallback: number): number {
  const attribute = (node.attribute ?? []).find((a) => a.name === name);
  return attribute?.f === undefined || attribute.f === null ? fallback : Number(attribute.f);
}

/** `to` attribute of a Cast, and other single ints. */
export function intAttr(name: string, value: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i: value };
}
