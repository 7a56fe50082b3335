import { Worker } from 'node:worker_threads';
import { unavailable } from '../errors.js';
import type { TensorMap } from '../protocol/tensor.js';
import type { Executor, ExecutorEvent, RunResult } from './executor.js';
import type { GraphSignature } from './onnx-session.js';
import type { WorkerRequest, WorkerResponse } from './worker-messages.js';

/** Sizing of the pool; workers × intraOpNumThreads should not exceed the cores. */
export interface WorkerPoolOptions {
  workers: number;
  intraOpNumThreads: number;
  /** The execution provider every session is created with (chosen at start-up); `cpu` when absent. */
  executionProvider?: string;
  onEvent?: (event: ExecutorEvent) => void;
}

interface Pending {
  resolve(response: WorkerResponse): void;
  reject(error: Error): void;
}

interface PoolWorker {
  id: number;
  thread: Worker;
  ready: boolean;
  pending: Map<number, Pending>;
}

const MAX_FAILED_REPLACEMENTS = 3;
const WORKER_URL = new URL('./inference-worker.mjs', import.meta.url);

/**
 * Inference off the event loop: a fixed number of worker threads, each with its own ORT session per
 * model version. A worker that dies fails its in-flight jobs with 503 and is replaced.
 */
export class WorkerPool implements Executor {
  private readonly workers: PoolWorker[] = [];
  private readonly models = new Map<string, { bytes: Uint8Array; warmUp?: TensorMap }>();
  private readonly listeners: (() => void)[] = [];
  private nextId = 1;
  private nextWorkerId = 1;
  private closing = false;
  /** Replacements that died before becoming ready, in a row; bounded so a poisoned model cannot loop forever. */
  private failedReplacements = 0;

  constructor(private readonly options: WorkerPoolOptions) {
    for (let i = 0; i < options.workers; i++) this.workers.push(this.spawn(true));
  }

  get slots(): number {
    return this.workers.filter((w) => w.ready).length;
  }

  onSlotsChanged(listener: () => void): void {
    this.listeners.push(listener);
  }

  async load(key: string, bytes: Uint8Array): Promise<GraphSignature> {
    this.models.set(key, { bytes });
    const answers = await Promise.all(this.workers.map((w) => this.request(w, { kind: 'load', id: 0, key, bytes, intraOpNumThreads: this.options.intraOpNumThreads, executionProvider: this.options.executionProvider ?? 'cpu' })));
    const answer = answers[0];
    if (answer?.kind !== 'loaded') throw new Error('no inference worker is running');
    return answer.signature;
  }

  async warmUp(key: string, feeds: TensorMap): Promise<void> {
    const model = this.models.get(key);
    if (model) model.warmUp = feeds;
    await Promise.all(this.workers.map((w) => this.request(w, { kind: 'run', id: 0, key, feeds })));
  }

  async run(key: string, feeds: TensorMap): Promise<RunResult> {
    const worker = this.pickWorker();
    const transfer = [...new Set(Object.values(feeds).map((t) => t.data.buffer as ArrayBuffer))];
    const answer = await this.request(worker, { kind: 'run', id: 0, key, feeds }, transfer);
    if (answer.kind !== 'result') throw new Error('inference worker answered a run with the wrong message');
    return { outputs: answer.outputs, computeSeconds: answer.computeSeconds };
  }

  /**
   * Chaos testing: makes one worker die as a crash would, at the end of its current run (never inside a
   * native ORT call, which would abort the process). Its in-flight requests fail with 503; it is replaced.
   */
  crashWorker(index = 0): void {
    this.workers[index]?.thread.postMessage({ kind: 'crash' } satisfies WorkerRequest);
  }

  /** Jobs sent to workers and not yet answered. */
  pendingJobs(): number {
    return this.workers.reduce((sum, w) => sum + w.pending.size, 0);
  }

  /** Thread ids of the live workers (changes when a worker is replaced). */
  workerIds(): number[] {
    return this.workers.map((w) => w.id);
  }

  /** Lets every worker finish its runs and exit; terminates the ones still busy after `graceMs`. */
  async close(graceMs = 10_000): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map(async (w) => {
      const exited = new Promise<void>((resolve) => w.thread.once('exit', () => resolve()));
      w.thread.postMessage({ kind: 'exit' } satisfies WorkerRequest);
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
      if ((await Promise.race([exited, late])) === 'late') await w.thread.terminate();
      clearTimeout(timer);
    }));
  }

  private pickWorker(): PoolWorker {
    const ready = this.workers.filter((w) => w.ready);
    if (ready.length === 0) throw unavailable('no inference worker is ready (a crashed worker is being replaced)');
    return ready.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
  }

  private request(worker: PoolWorker, message: Extract<WorkerRequest, { id: number }>, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    const id = this.nextId++;
    return new Promise<WorkerResponse>((resolve, reject) => {
      worker.pending.set(id, {
        resolve: (response) => (response.kind === 'failed' ? reject(new Error(response.message)) : resolve(response)),
        reject,
      });
      worker.thread.postMessage({ ...message, id }, transfer);
    });
  }

  private spawn(ready: boolean): PoolWorker {
    const worker: PoolWorker = { id: this.nextWorkerId++, thread: new Worker(WORKER_URL), ready, pending: new Map() };
    worker.thread.on('message', (response: WorkerResponse) => {
      const pending = worker.pending.get(response.id);
      worker.pending.delete(response.id);
      pending?.resolve(response);
    });
    // 'error' is always followed by 'exit', where the worker is replaced.
    worker.thread.on('error', () => undefined);
    worker.thread.on('exit', (exitCode) => this.onExit(worker, exitCode));
    return worker;
  }

  private onExit(worker: PoolWorker, exitCode: number): void {
    const failed = [...worker.pending.values()];
    worker.pending.clear();
    const error = this.closing
      ? unavailable('the server is shutting down')
      : unavailable(`the inference worker running this request crashed (exit code ${exitCode}); retry`);
    for (const pending of failed) pending.reject(error);
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    if (this.closing) return;
    this.options.onEvent?.({ kind: 'worker_crashed', workerId: worker.id, exitCode, failedJobs: failed.length });
    this.changed();
    if (!worker.ready && ++this.failedReplacements >= MAX_FAILED_REPLACEMENTS) return;
    void this.replace();
  }

  private async replace(): Promise<void> {
    const worker = this.spawn(false);
    this.workers.push(worker);
    try {
      for (const [key, model] of this.models) {
        await this.request(worker, { kind: 'load', id: 0, key, bytes: model.bytes, intraOpNumThreads: this.options.intraOpNumThreads, executionProvider: this.options.executionProvider ?? 'cpu' });
        if (model.warmUp) await this.request(worker, { kind: 'run', id: 0, key, feeds: model.warmUp });
      }
      if (this.closing) return;
      worker.ready = true;
      this.failedReplacements = 0;
      this.options.onEvent?.({ kind: 'worker_replaced', workerId: worker.id });
      this.changed();
    } catch (error) {
      const index = this.workers.indexOf(worker);
      if (this.closing || index < 0) return; // it exited; onExit already dealt with it
      this.options.onEvent?.({ kind: 'worker_replacement_failed', workerId: worker.id, reason: error instanceof Error ? error.message : String(error) });
      // Keep the failed replacement out of rotation; its exit must not trigger another replacement loop.
      this.workers.splice(index, 1);
      worker.thread.removeAllListeners('exit');
      worker.thread.postMessage({ kind: 'exit' } satisfies WorkerRequest);
    }
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
