/**
 * The one adapter for onnxruntime-node: nothing else in the code base imports it. It turns model bytes
 * into a session and protocol tensors into ORT tensors and back.
 */
import * as ort from 'onnxruntime-node';
import type { Datatype } from '../manifest.js';
import { DATATYPES, datatypeOfOrtType } from '../protocol/datatypes.js';
import type { Tensor, TensorData, TensorMap } from '../protocol/tensor.js';

/** Thread settings of one session; keep workers × intraOpNumThreads within the cores. */
export interface OnnxSessionOptions {
  intraOpNumThreads: number;
}

/** A tensor as the ONNX graph declares it; `datatype` is undefined for types the protocol cannot carry. */
export interface GraphTensor {
  name: string;
  ortType: string;
  datatype?: Datatype;
  /** -1 for symbolic or unknown dimensions. */
  shape: number[];
}

/** What the graph declares; compared against the manifest at load time. */
export interface GraphSignature {
  inputs: GraphTensor[];
  outputs: GraphTensor[];
}

/** A loaded model version. */
export interface OnnxSession {
  signature: GraphSignature;
  /** Runs the graph; blocks the calling thread while ORT computes (hence the worker threads). */
  run(feeds: TensorMap): Promise<TensorMap>;
  release(): Promise<void>;
}

/** Creates a session from verified model bytes. */
export async function createOnnxSession(bytes: Uint8Array, options: OnnxSessionOptions): Promise<OnnxSession> {
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: options.intraOpNumThreads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  });
  const signature: GraphSignature = {
    inputs: session.inputMetadata.map(describeValue),
    outputs: session.outputMetadata.map(describeValue),
  };
  return {
    signature,
    async run(feeds) {
      const ortFeeds: Record<string, ort.Tensor> = {};
      for (const [name, tensor] of Object.entries(feeds)) ortFeeds[name] = toOrtTensor(tensor);
      const results = await session.run(ortFeeds);
      const outputs: TensorMap = {};
      for (const [name, value] of Object.entries(results)) outputs[name] = fromOrtTensor(name, value as ort.Tensor);
      return outputs;
    },
    release: () => session.release(),
  };
}

function describeValue(meta: ort.InferenceSession.ValueMetadata): GraphTensor {
  if (!meta.isTensor) return { name: meta.name, ortType: 'non-tensor', shape: [] };
  const datatype = datatypeOfOrtType(meta.type);
  return {
    name: meta.name,
    ortType: meta.type,
    ...(datatype ? { datatype } : {}),
    shape: meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : -1)),
  };
}

function toOrtTensor(tensor: Tensor): ort.Tensor {
  const info = DATATYPES[tensor.datatype];
  if (!info) throw new Error(`datatype ${tensor.datatype} cannot be passed to onnxruntime`);
  return new ort.Tensor(info.ortType, tensor.data as never, tensor.shape);
}

function fromOrtTensor(name: string, value: ort.Tensor): Tensor {
  const datatype = datatypeOfOrtType(value.type);
  if (!datatype) throw new Error(`output "${name}" has type ${value.type}, which the protocol cannot carry`);
  return { datatype, shape: value.dims.map(Number), data: value.data as TensorData };
}
