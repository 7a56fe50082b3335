import type { TensorMap } from '../protocol/tensor.js';
import type { GraphSignature } from './onnx-session.js';

/** Messages from the pool to an inference worker; requests carry an id their answer repeats. */
export type WorkerRequest =
  | { kind: 'load'; id: number; key: string; bytes: Uint8Array; intraOpNumThreads: number; executionProvider: string }
  | { kind: 'run'; id: number; key: string; feeds: TensorMap }
  /** Finish the runs in progress, release the sessions, exit. */
  | { kind: 'exit' }
  /** Chaos testing: die like a crash, at the end of the run in progress (or now when idle). */
  | { kind: 'crash' };

/** Answers from an inference worker. */
export type WorkerResponse =
  | { kind: 'loaded'; id: number; signature: GraphSignature }
  | { kind: 'result'; id: number; outputs: TensorMap; computeSeconds: number }
  | { kind: 'failed'; id: number; message: string };
