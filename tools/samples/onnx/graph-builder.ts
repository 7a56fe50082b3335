import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** ONNX element types used by the sample graphs. */
export const ElementType = { FLOAT: onnx.TensorProto.DataType.FLOAT, INT64: onnx.TensorProto.DataType.INT64 } as const;
export type ElementType = (typeof ElementType)[keyof typeof ElementType];

/** A dimension: a fixed size, or a symbolic name such as `'N'` for the dynamic batch dimension. */
export type Dim = number | string;

/** The attribute kinds the sample graphs need. */
export type Attribute = { kind: 'int'; value: number };

/** Default opset: Softmax works along one axis (13+), and onnxruntime 1.x runs it everywhere. */
const DEFAULT_OPSET = 13;
/** IR version 8 (ONNX 1.10+) is what onnx-proto encodes and what every current runtime reads. */
const IR_VERSION = 8;

/**
 * Collects inputs, outputs, initializers and nodes, then encodes a `ModelProto`. Encoding is
 * deterministic: the same calls produce the same bytes.
 */
export class GraphBuilder {
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly graphName: string) {}

  /** Declares a graph input and returns its name. */
  input(name: string, elemType: ElementType, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), elemType, dims));
    return name;
  }

  /** Declares an existing value as a graph output. */
  output(name: string, elemType: ElementType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** Adds a float constant (stored as little-endian raw data) and returns its name. */
  floats(name: string, dims: number[], data: ArrayLike<number>): string {
    const values = Float32Array.from(data);
    if (values.length !== dims.reduce((a, b) => a * b, 1)) {
      throw new Error(`initializer '${name}': ${values.length} values do not fill shape [${dims.join(', ')}]`);
    }
    const raw = new Uint8Array(values.length * 4);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.initializers.push({ name: this.claim(name), dims, dataType: ElementType.FLOAT, rawData: raw });
    return name;
  }

  /** Adds a node and returns the name of its first output, so calls chain. */
  node(opType: string, inputs: string[], outputs: string | string[], attributes: Record<string, Attribute> = {}): string {
    const outs = (Array.isArray(outputs) ? outputs : [outputs]).map((n) => this.claim(n));
    this.nodes.push({
      opType,
      name: `${opType}_${this.nodes.length}`,
      input: inputs,
      output: outs,
      attribute: Object.entries(attributes).map(([attr, a]) => toAttribute(attr, a)),
    });
    return outs[0] as string;
  }

  /** Encodes the model as protobuf bytes. */
  encode(options: { opset?: number; docString?: string } = {}): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'keelson',
      producerVersion: '1',
      docString: options.docString ?? '',
      opsetImport: [{ domain: '', version: options.opset ?? DEFAULT_OPSET }],
      graph: {
        name: this.graphName,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }

  /** ONNX needs every value name to be unique within the graph. */
  private claim(name: string): string {
    if (this.used.has(name)) throw new Error(`graph '${this.graphName}': value name '${name}' is already used`);
    this.used.add(name);
    return name;
  }
}

function valueInfo(name: string, elemType: ElementType, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function toAttribute(name: string, attribute: Attribute): onnxProto.onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  return { name, type: AttributeType.INT, i: attribute.value };
}

/** An integer attribute, as in `builder.node('ArgMax', [x], 'y', { axis: int(1), keepdims: int(0) })`. */
export const int = (value: number): Attribute => ({ kind: 'int', value });
