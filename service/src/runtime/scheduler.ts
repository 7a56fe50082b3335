import { ServiceError, unavailable } from '../errors.js';
import type { TensorMap } from '../protocol/tensor.js';
import type { Executor, RunResult } from './executor.js';
import { batchCompatibilityKey, batchRows, concatRows, splitRows } from './tensor-batch.js';

/** Triton-style dynamic batching of one model version; `maxBatchSize` ≤ 1 turns it off. */
export interface BatchPolicy {
  maxBatchSize: number;
  maxQueueDelayUs: number;
}

/** Scheduling settings of one model version. */
export interface ScheduledModel {
  key: string;
  /** Undefined when the model's batch dimension is fixed. */
  batching?: BatchPolicy;
  /** Requests that may wait; beyond it callers get 503 with Retry-After at once. */
  maxQueueSize: number;
}

/** Timing of one request, for the queue/inference/batch histograms. */
export interface JobResult {
  outputs: TensorMap;
  queueSeconds: number;
  /** Session compute time of the batch, measured in the worker. */
  computeSeconds: number;
  /** Rows in the batch this request ran in. */
  batchRows: number;
  /** True for exactly one request per batch (count batches once). */
  leader: boolean;
}

/** Time source; tests pass a fake. Times in milliseconds. */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Job {
  inputs: TensorMap;
  rows: number;
  compatibility: string;
  enqueuedAt: number;
  state: 'queued' | 'running' | 'done';
  timer: unknown;
  resolve(result: JobResult): void;
  reject(error: Error): void;
}

interface Queue {
  model: ScheduledModel;
  jobs: Job[];
  rows: number;
}

/**
 * Bounded per-model queues in front of the executor. Whenever a runner is free, the queue with the oldest
 * ready request sends one job, or (with batching) as many compatible requests as fit in `maxBatchSize`,
 * having waited at most `maxQueueDelayUs` for more. Every request has a deadline.
 */
export class Scheduler {
  private readonly queues = new Map<string, Queue>();
  private readonly clock: Clock;
  private running = 0;
  private wakeTimer: unknown;
  private wakeAt = Infinity;

  constructor(
    private readonly executor: Pick<Executor, 'run' | 'slots' | 'onSlotsChanged'>,
    private readonly timeoutMs: number,
    clock?: Clock,
  ) {
    this.clock = clock ?? systemClock;
    executor.onSlotsChanged(() => this.pump());
  }

  /** Declares a model version; its queue starts empty. */
  addModel(model: ScheduledModel): void {
    this.queues.set(model.key, { model, jobs: [], rows: 0 });
  }

  /** Requests waiting (not running) for a model version. */
  queueLength(key: string): number {
    return this.queues.get(key)?.jobs.length ?? 0;
  }

  /** Queues one request; rejects at once with 503 when the queue is full. */
  submit(key: string, inputs: TensorMap): Promise<JobResult> {
    const queue = this.queues.get(key);
    if (!queue) return Promise.reject(new Error(`model ${key} is not scheduled`));
    if (queue.jobs.length >= queue.model.maxQueueSize) {
      return Promise.reject(unavailable(`the queue of model ${key} is full (${queue.model.maxQueueSize} requests waiting); retry shortly`, 1));
    }
    return new Promise<JobResult>((resolve, reject) => {
      const job: Job = {
        inputs, rows: batchRows(inputs), compatibility: queue.model.batching ? batchCompatibilityKey(inputs) : '',
        enqueuedAt: this.clock.now(), state: 'queued', timer: undefined, resolve, reject,
      };
      job.timer = this.clock.setTimeout(() => this.expire(queue, job), this.timeoutMs);
      queue.jobs.push(job);
      queue.rows += job.rows;
      this.pump();
    });
  }

  /**
   * Sends what may go now. `freedSlots` runners just finished: each takes the oldest waiting request's
   * queue at once even when its batch is not full, because those requests queued while every runner was
   * busy (they had their chance to batch up). Only a request that finds a runner idle waits for the
   * delay, hoping for company. Under load batches fill while runners compute; at low load nothing waits
   * longer than `maxQueueDelayUs`.
   */
  private pump(freedSlots = 0): void {
    let freed = freedSlots;
    while (this.running < this.executor.slots) {
      const now = this.clock.now();
      const queue = this.nextReadyQueue(now, freed > 0);
      if (!queue) break;
      freed--;
      this.dispatch(queue, this.takeBatch(queue), now);
    }
    this.scheduleWake();
  }

  /** The queue whose head has waited longest among those allowed to send now (any non-empty one if `anyWaiting`). */
  private nextReadyQueue(now: number, anyWaiting: boolean): Queue | undefined {
    let best: Queue | undefined;
    for (const queue of this.queues.values()) {
      const head = queue.jobs[0];
      if (!head || !(anyWaiting || this.isReady(queue, head, now))) continue;
      if (!best || head.enqueuedAt < best.jobs[0]!.enqueuedAt) best = queue;
    }
    return best;
  }

  private isReady(queue: Queue, head: Job, now: number): boolean {
    const batching = queue.model.batching;
    if (!batching || batching.maxBatchSize <= 1) return true;
    return queue.rows >= batching.maxBatchSize || now - head.enqueuedAt >= batching.maxQueueDelayUs / 1000;
  }

  private takeBatch(queue: Queue): Job[] {
    const head = queue.jobs.shift()!;
    const batch = [head];
    let rows = head.rows;
    const max = queue.model.batching?.maxBatchSize ?? 1;
    while (queue.jobs.length > 0) {
      const next = queue.jobs[0]!;
      if (next.compatibility !== head.compatibility || rows + next.rows > max) break;
      batch.push(queue.jobs.shift()!);
      rows += next.rows;
    }
    queue.rows -= rows;
    return batch;
  }

  private dispatch(queue: Queue, jobs: Job[], now: number): void {
    this.running++;
    for (const job of jobs) job.state = 'running';
    const rows = jobs.reduce((sum, job) => sum + job.rows, 0);
    const started = now;
    let run: Promise<RunResult>;
    try {
      run = this.executor.run(queue.model.key, concatRows(jobs.map((job) => job.inputs)));
    } catch (error) {
      run = Promise.reject(error);
    }
    run
      .then(({ outputs, computeSeconds }) => {
        const parts = splitRows(outputs, jobs.map((job) => job.rows));
        jobs.forEach((job, i) => settle(this.clock, job, () => job.resolve({
          outputs: parts[i]!, queueSeconds: (started - job.enqueuedAt) / 1000, computeSeconds, batchRows: rows, leader: i === 0,
        })));
      })
      .catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const job of jobs) settle(this.clock, job, () => job.reject(failure));
      })
      .finally(() => {
        this.running--;
        this.pump(1);
      });
  }

  private expire(queue: Queue, job: Job): void {
    if (job.state === 'queued') {
      queue.jobs.splice(queue.jobs.indexOf(job), 1);
      queue.rows -= job.rows;
      job.state = 'done';
      job.reject(unavailable(`request waited ${this.timeoutMs} ms in the queue of model ${queue.model.key} without a free inference worker; retry later`, 1));
    } else if (job.state === 'running') {
      job.state = 'done';
      job.reject(new ServiceError('timeout', `model ${queue.model.key} did not answer within the request timeout of ${this.timeoutMs} ms`));
    }
  }

  /** With batching, a queue that is not yet ready becomes ready when its head's delay runs out. */
  private scheduleWake(): void {
    let earliest = Infinity;
    if (this.running < this.executor.slots) {
      for (const queue of this.queues.values()) {
        const head = queue.jobs[0];
        if (head && queue.model.batching) earliest = Math.min(earliest, head.enqueuedAt + queue.model.batching.maxQueueDelayUs / 1000);
      }
    }
    if (earliest === this.wakeAt) return; // the armed timer is still the right one (no timer churn per request)
    if (this.wakeTimer !== undefined) this.clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = earliest;
    if (earliest === Infinity) return;
    this.wakeTimer = this.clock.setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      this.pump();
    }, Math.max(0, earliest - this.clock.now()));
  }
}

function settle(clock: Clock, job: Job, action: () => void): void {
  if (job.state === 'done') return;
  job.state = 'done';
  clock.clearTimeout(job.timer);
  action();
}
