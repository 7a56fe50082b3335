import type { TensorMap } from '../protocol/tensor.js';
import type { GraphSignature } from './onnx-session.js';

/** Runs loaded model versions somewhere (a worker pool in production). Keys are `name:version`. */
export interface Executor {
  /** Loads a model version everywhere it may run; resolves with the graph's declared signature. */
  load(key: string, bytes: Uint8Array): Promise<GraphSignature>;
  /** Runs `feeds` once on every runner (and on replacements later), proving each session works. */
  warmUp(key: string, feeds: TensorMap): Promise<void>;
  /** Runs one job; `feeds` buffers may be transferred (do not reuse them). */
  run(key: string, feeds: TensorMap): Promise<RunResult>;
  /** How many jobs can run at once right now. */
  readonly slots: number;
  /** Called whenever `slots` changes (a worker crashed or a replacement became ready). */
  onSlotsChanged(listener: () => void): void;
  close(): Promise<void>;
}

/** Outputs of one run and the time the session spent computing them (without messaging overhead). */
export interface RunResult {
  outputs: TensorMap;
  computeSeconds: number;
}

/** Lifecycle events an executor reports for logging. */
export type ExecutorEvent =
  | { kind: 'worker_crashed'; workerId: number; exitCode: number; failedJobs: number }
  | { kind: 'worker_replaced'; workerId: number }
  | { kind: 'worker_replacement_failed'; workerId: number; reason: string };

/** Makes `key` for a model version. */
export const modelKey = (name: string, version: string): string => `${name}:${version}`;
