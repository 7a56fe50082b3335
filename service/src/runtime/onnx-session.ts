/**
 * The one adapter for onnxruntime-node: nothing else in the code base imports it. It turns model bytes
 * into a session and protocol tensors into ORT tensors and back.
 */
import * as ort from 'onnxruntime-node';
import onnxProto from 'onnx-proto';
import type { Datatype } from '../manifest.js';
import { DATATYPES, datatypeOfOrtType } from '../protocol/datatypes.js';
import type { Tensor, TensorData, TensorMap } from '../protocol/tensor.js';

/** Thread settings of one session; keep workers × intraOpNumThreads within the cores. */
export interface OnnxSessionOptions {
  intraOpNumThreads: number;
  /** Execution providers in order of preference (`cuda`, `cpu`, …); the first one a session can be created with serves. Default `cpu`. */
  executionProviders?: readonly string[];
  /** Fail instead of falling back when the first preference cannot be used. */
  requireExecutionProvider?: boolean;
}

/** A preferred execution provider that could not be used, and what onnxruntime-node said. */
export interface ProviderFallback {
  provider: string;
  reason: string;
}

/** No session could be created with the execution providers asked for (or the required one). */
export class ExecutionProviderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionProviderError';
  }
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
  /** The execution provider the session was created with. */
  executionProvider: string;
  /** Preferences tried before it, with the reason each was skipped. */
  fallbacks: ProviderFallback[];
  /** Runs the graph; blocks the calling thread while ORT computes (hence the worker threads). */
  run(feeds: TensorMap): Promise<TensorMap>;
  release(): Promise<void>;
}

/** Creates a session from verified model bytes. */
export async function createOnnxSession(bytes: Uint8Array, options: OnnxSessionOptions): Promise<OnnxSession> {
  const { session, executionProvider, fallbacks } = await createWithPreference(bytes, options);
  const signature: GraphSignature = {
    inputs: session.inputMetadata.map(describeValue),
    outputs: session.outputMetadata.map(describeValue),
  };
  return {
    signature,
    executionProvider,
    fallbacks,
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

/**
 * Tries each preferred provider on its own, in order: onnxruntime-node rejects the whole session when one listed
 * provider cannot be loaded (e.g. `cuda` without its provider libraries), so listing them together falls back
 * to nothing. The CPU provider always backs up nodes a GPU provider cannot run.
 */
async function createWithPreference(bytes: Uint8Array, options: OnnxSessionOptions): Promise<{ session: ort.InferenceSession; executionProvider: string; fallbacks: ProviderFallback[] }> {
  const preference = options.executionProviders?.length ? options.executionProviders : ['cpu'];
  const fallbacks: ProviderFallback[] = [];
  for (const provider of preference) {
    try {
      const session = await ort.InferenceSession.create(bytes, {
        executionProviders: [provider],
        intraOpNumThreads: options.intraOpNumThreads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        logSeverityLevel: 3,
      });
      return { session, executionProvider: provider, fallbacks };
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
      if (!isProviderFailure(reason)) throw error;
      fallbacks.push({ provider, reason });
      if (options.requireExecutionProvider) {
        throw new ExecutionProviderError(`execution provider '${provider}' is required (--require-execution-provider) but onnxruntime-node cannot use it: ${reason} (this build lists ${listExecutionProviders()})`);
      }
    }
  }
  const tried = fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ');
  throw new ExecutionProviderError(`none of the execution providers ${preference.join(',')} can be used (${tried}); this build lists ${listExecutionProviders()}`);
}

/** A session failure that is the provider's fault (not the model's), so the next preference may work. */
function isProviderFailure(message: string): boolean {
  return /execution ?provider|backend not found|no available backend|shared library|AppendExecutionProvider|adapter|is unsupported/i.test(message);
}

/** Whether onnxruntime-node can create a session with `provider` alone on this machine (tried on a one-node model). */
export async function probeExecutionProvider(provider: string): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    const session = await ort.InferenceSession.create(probeModel(), { executionProviders: [provider], logSeverityLevel: 4 });
    await session.release();
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: ((error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '').trim() };
  }
}

let probeBytes: Uint8Array | undefined;

/** `y = Identity(x)`, x float [1]: the smallest model every provider can place. */
function probeModel(): Uint8Array {
  const { onnx } = onnxProto;
  const tensor = (name: string) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }] } } } });
  probeBytes ??= onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    graph: { name: 'probe', input: [tensor('x')], output: [tensor('y')], node: [{ opType: 'Identity', input: ['x'], output: ['y'] }] },
  })).finish();
  return probeBytes;
}

/** The providers compiled into this onnxruntime-node, e.g. `cpu, webgpu, cuda (not bundled)`. */
export function listExecutionProviders(): string {
  return ort.listSupportedBackends().map((b) => (b.bundled ? b.name : `${b.name} (not bundled)`)).join(', ');
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
