import { ServiceError, unavailable } from '../errors.js';
import type { TensorMap } from '../protocol/tensor.js';
import type { Executor, RunResult } from './executor.js';
import { batchRows, canBatchTogether, concatRows, splitRows } from './tensor-batch.js';

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
  enqueuedAt: number;
  deadline: number;
  state: 'queued' | 'running' | 'done';
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
 * having waited at most `maxQueueDelayUs` for more; with several runners free, what waits is spread over them. Every request has a deadline; one timer serves them all
 * (deadlines grow with arrival, so it is re-armed only when it fires, never per request).
 */
export class Scheduler {
  private readonly queues = new Map<string, Queue>();
  private readonly clock: Clock;
  private wakeTimer: unknown;
  private wakeAt = Infinity;
  /** Batches sent to the executor and not yet answered (one runner each). */
  private readonly inFlight = new Set<{ queue: Queue; jobs: Job[] }>();
  /** Jobs queued or running; the deadline timer runs only while there are any. */
  private live = 0;
  private expiryTimer: unknown;

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
      const enqueuedAt = this.clock.now();
      const job: Job = { inputs, rows: batchRows(inputs), enqueuedAt, deadline: enqueuedAt + this.timeoutMs, state: 'queued', resolve, reject };
      queue.jobs.push(job);
      queue.rows += job.rows;
      this.live++;
      if (this.expiryTimer === undefined) this.armExpiry(job.deadline);
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
    while (this.inFlight.size < this.executor.slots) {
      const now = this.clock.now();
      const queue = this.nextReadyQueue(now, freed > 0);
      if (!queue) break;
      freed--;
      // Idle runners share what waits: two half batches compute side by side, where one full batch would leave a
      // runner idle while the serving thread has nothing to do but wait for it.
      const free = this.executor.slots - this.inFlight.size;
      const share = Math.ceil(queue.rows / free);
      for (let i = 0; i < free && queue.jobs.length > 0; i++) this.dispatch(queue, this.takeBatch(queue, share), now);
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

  /** The oldest job and the compatible ones after it, up to `maxBatchSize` rows or `share` rows, whichever is less. */
  private takeBatch(queue: Queue, share: number): Job[] {
    const head = queue.jobs.shift()!;
    const batch = [head];
    let rows = head.rows;
    const max = Math.min(queue.model.batching?.maxBatchSize ?? 1, share);
    while (queue.jobs.length > 0) {
      const next = queue.jobs[0]!;
      if (rows + next.rows > max || !canBatchTogether(head.inputs, next.inputs)) break;
      batch.push(queue.jobs.shift()!);
      rows += next.rows;
    }
    queue.rows -= rows;
    return batch;
  }

  private dispatch(queue: Queue, jobs: Job[], now: number): void {
    const batch = { queue, jobs };
    this.inFlight.add(batch);
    let rows = 0;
    const feeds: TensorMap[] = [];
    for (const job of jobs) {
      job.state = 'running';
      rows += job.rows;
      feeds.push(job.inputs);
    }
    let run: Promise<RunResult>;
    try {
      run = this.executor.run(queue.model.key, concatRows(feeds));
    } catch (error) {
      run = Promise.reject(error);
    }
    run
      .then(({ outputs, computeSeconds }) => {
        const parts = splitRows(outputs, jobs.map((job) => job.rows));
        jobs.forEach((job, i) => this.settle(job) && job.resolve({
          outputs: parts[i]!, queueSeconds: (now - job.enqueuedAt) / 1000, computeSeconds, batchRows: rows, leader: i === 0,
        }));
      })
      .catch((error: unknown) => {
        const failure = error instanceof Error ? error : new Error(String(error));
        for (const job of jobs) if (this.settle(job)) job.reject(failure);
      })
      .finally(() => {
        this.inFlight.delete(batch);
        this.pump(1);
      });
  }

  /** Marks a job done; false when it already was (it timed out). Stops the deadline timer once nothing is left. */
  private settle(job: Job): boolean {
    if (job.state === 'done') return false;
    job.state = 'done';
    if (--this.live === 0 && this.expiryTimer !== undefined) {
      this.clock.clearTimeout(this.expiryTimer);
      this.expiryTimer = undefined;
    }
    return true;
  }

  private armExpiry(at: number): void {
    this.expiryTimer = this.clock.setTimeout(() => this.expire(), Math.max(0, at - this.clock.now()));
  }

  /** Fails every job past its deadline (503 while queued, 504-style timeout while running), then re-arms. */
  private expire(): void {
    this.expiryTimer = undefined;
    const now = this.clock.now();
    let next = Infinity;
    for (const queue of this.queues.values()) {
      while (queue.jobs.length > 0 && queue.jobs[0]!.deadline <= now) {
        const job = queue.jobs.shift()!;
        queue.rows -= job.rows;
        if (this.settle(job)) job.reject(unavailable(`request waited ${this.timeoutMs} ms in the queue of model ${queue.model.key} without a free inference worker; retry later`, 1));
      }
      if (queue.jobs.length > 0) next = Math.min(next, queue.jobs[0]!.deadline);
    }
    for (const { queue, jobs } of this.inFlight) {
      for (const job of jobs) {
        if (job.state !== 'running') continue;
        if (job.deadline > now) next = Math.min(next, job.deadline);
        else if (this.settle(job)) job.reject(new ServiceError('timeout', `model ${queue.model.key} did not answer within the request timeout of ${this.timeoutMs} ms`));
      }
    }
    if (this.live > 0 && next < Infinity && this.expiryTimer === undefined) this.armExpiry(next);
    this.scheduleWake();
  }

  /** With batching, a queue that is not yet ready becomes ready when its head's delay runs out. */
  private scheduleWake(): void {
    let earliest = Infinity;
    if (this.inFlight.size < this.executor.slots) {
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
