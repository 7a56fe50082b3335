import { describe, expect, it } from 'vitest';
import { ServiceError } from '../../service/src/errors.js';
import { DriftWindow, populationStabilityIndex } from '../../service/src/metrics/drift.js';
import type { TensorMap } from '../../service/src/protocol/tensor.js';
import type { RunResult } from '../../service/src/runtime/executor.js';
import { PredictionCache } from '../../service/src/runtime/prediction-cache.js';
import { Scheduler, type Clock } from '../../service/src/runtime/scheduler.js';
import { canBatchTogether } from '../../service/src/runtime/tensor-batch.js';

/** An executor whose runs finish when the test says so; records the rows of every batch. */
function manualExecutor(slots = 1) {
  const runs: { rows: number; finish(): void; fail(error: Error): void }[] = [];
  return {
    runs,
    slots,
    onSlotsChanged: () => undefined,
    run(_key: string, feeds: TensorMap): Promise<RunResult> {
      const x = feeds.x!;
      return new Promise((resolve, reject) => runs.push({
        rows: x.shape[0]!,
        // Echo the input as the output: splitting must hand each request its own rows back.
        finish: () => resolve({ outputs: { y: { datatype: 'FP32', shape: [...x.shape], data: (x.data as Float32Array).map((v) => v * 10) } }, computeSeconds: 0.001 }),
        fail: reject,
      }));
    },
  };
}

/** A clock the test advances by hand. */
function manualClock(): Clock & { advance(ms: number): void; armed(): number } {
  let now = 0;
  let timers: { at: number; callback: () => void }[] = [];
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const timer = { at: now + ms, callback };
      timers.push(timer);
      return timer;
    },
    clearTimeout(handle) {
      timers = timers.filter((t) => t !== handle);
    },
    armed: () => timers.length,
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const timer of due) timer.callback();
    },
  };
}

const rows = (...values: number[]): TensorMap => ({ x: { datatype: 'FP32', shape: [values.length, 1], data: Float32Array.from(values) } });
const flush = () => new Promise((resolve) => setImmediate(resolve));

/** `runners` runners (default one) and one model `m:1` batching up to `maxBatchSize` rows, waiting up to 5 ms for company. */
function batchingScheduler(maxBatchSize: number, runners = 1) {
  const executor = manualExecutor(runners);
  const clock = manualClock();
  const scheduler = new Scheduler(executor, 10_000, clock);
  scheduler.addModel({ key: 'm:1', maxQueueSize: 10, batching: { maxBatchSize, maxQueueDelayUs: 5000 } });
  return { executor, clock, scheduler };
}

describe('Scheduler', () => {
  it('spreads what waits over the idle runners (two half batches side by side), each split back in order', async () => {
    const { executor, clock, scheduler } = batchingScheduler(64, 2);
    const submitted = [1, 2, 3, 4, 5].map((v) => scheduler.submit('m:1', rows(v)));
    clock.advance(5);
    expect(executor.runs.map((r) => r.rows)).toEqual([3, 2]); // not one batch of 5 with a runner idle
    executor.runs.forEach((run) => run.finish());
    const results = await Promise.all(submitted);
    expect(results.map((r) => Array.from(r.outputs.y!.data as Float32Array))).toEqual([[10], [20], [30], [40], [50]]);
    expect(results.map((r) => r.batchRows)).toEqual([3, 3, 3, 2, 2]);
    // one runner busy: the next batch takes everything waiting, up to max_batch_size
    const busy = batchingScheduler(3, 2);
    const first = busy.scheduler.submit('m:1', rows(0));
    busy.clock.advance(5);
    const waiting = [1, 2, 3, 4].map((v) => busy.scheduler.submit('m:1', rows(v)));
    busy.clock.advance(5);
    expect(busy.executor.runs.map((r) => r.rows)).toEqual([1, 3]);
    busy.executor.runs.forEach((run) => run.finish());
    await flush();
    expect(busy.executor.runs.map((r) => r.rows)).toEqual([1, 3, 1]);
    busy.executor.runs[2]!.finish();
    await Promise.all([first, ...waiting]);
  });

  it('merges queued requests into one batch and splits the results back in order', async () => {
    const { executor, clock, scheduler } = batchingScheduler(8);
    const a = scheduler.submit('m:1', rows(1));
    const b = scheduler.submit('m:1', rows(2, 3));
    const c = scheduler.submit('m:1', rows(4));
    expect(executor.runs).toHaveLength(0); // waiting up to max_queue_delay for more
    clock.advance(5);
    expect(executor.runs.map((r) => r.rows)).toEqual([4]);
    executor.runs[0]!.finish();
    const results = await Promise.all([a, b, c]);
    expect(results.map((r) => Array.from(r.outputs.y!.data as Float32Array))).toEqual([[10], [20, 30], [40]]);
    expect(results.map((r) => r.batchRows)).toEqual([4, 4, 4]);
    expect(results.map((r) => r.leader)).toEqual([true, false, false]);
  });

  it('when a runner frees up, sends what queued meanwhile at once instead of waiting for the delay', async () => {
    const { executor, clock, scheduler } = batchingScheduler(8);
    const first = scheduler.submit('m:1', rows(1));
    clock.advance(5); // an idle runner: the first request waited the full delay for company
    expect(executor.runs.map((r) => r.rows)).toEqual([1]);
    const queued = [scheduler.submit('m:1', rows(2)), scheduler.submit('m:1', rows(3, 4))];
    executor.runs[0]!.finish();
    await first;
    await flush();
    expect(executor.runs.map((r) => r.rows)).toEqual([1, 3]); // no extra delay: they queued while it was busy
    executor.runs[1]!.finish();
    expect((await Promise.all(queued)).map((r) => r.batchRows)).toEqual([3, 3]);
  });

  it('sends a full batch at once and never exceeds max_batch_size', async () => {
    const executor = manualExecutor(1);
    const scheduler = new Scheduler(executor, 10_000, manualClock());
    scheduler.addModel({ key: 'm:1', maxQueueSize: 10, batching: { maxBatchSize: 3, maxQueueDelayUs: 1_000_000 } });
    const pending = [1, 2, 3, 4].map((v) => scheduler.submit('m:1', rows(v)));
    expect(executor.runs.map((r) => r.rows)).toEqual([3]);
    executor.runs[0]!.finish();
    await Promise.all(pending.slice(0, 3));
    expect(scheduler.queueLength('m:1')).toBe(1);
  });

  it('without batching sends one request per run', async () => {
    const executor = manualExecutor(1);
    const scheduler = new Scheduler(executor, 10_000, manualClock());
    scheduler.addModel({ key: 'm:1', maxQueueSize: 10 });
    const pending = [scheduler.submit('m:1', rows(1)), scheduler.submit('m:1', rows(2))];
    expect(executor.runs.map((r) => r.rows)).toEqual([1]);
    executor.runs[0]!.finish();
    await flush();
    expect(executor.runs.map((r) => r.rows)).toEqual([1, 1]);
    executor.runs[1]!.finish();
    await Promise.all(pending);
  });

  it('answers 503 with Retry-After at once when the queue is full', async () => {
    const executor = manualExecutor(1);
    const scheduler = new Scheduler(executor, 10_000, manualClock());
    scheduler.addModel({ key: 'm:1', maxQueueSize: 2 });
    const running = scheduler.submit('m:1', rows(1)); // dispatched, not queued
    const queued = [scheduler.submit('m:1', rows(2)), scheduler.submit('m:1', rows(3))];
    const error = await scheduler.submit('m:1', rows(4)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).kind).toBe('unavailable');
    expect((error as ServiceError).retryAfterSeconds).toBeGreaterThan(0);
    expect((error as ServiceError).message).toMatch(/queue of model m:1 is full \(2 requests waiting\)/);
    executor.runs[0]!.finish();
    await running;
    await flush();
    executor.runs[1]!.finish();
    await flush();
    executor.runs[2]!.finish();
    await Promise.all(queued);
  });

  it('times out with 503 while queued and 504 while running', async () => {
    const executor = manualExecutor(1);
    const clock = manualClock();
    const scheduler = new Scheduler(executor, 100, clock);
    scheduler.addModel({ key: 'm:1', maxQueueSize: 10 });
    const running = scheduler.submit('m:1', rows(1)).catch((e: unknown) => e);
    const queued = scheduler.submit('m:1', rows(2)).catch((e: unknown) => e);
    clock.advance(100);
    expect(((await running) as ServiceError).kind).toBe('timeout');
    expect(((await queued) as ServiceError).kind).toBe('unavailable');
    expect(scheduler.queueLength('m:1')).toBe(0);
  });

  it('one deadline timer serves every request: each expires at its own deadline, none is left armed afterwards', async () => {
    const executor = manualExecutor(1);
    const clock = manualClock();
    const scheduler = new Scheduler(executor, 100, clock);
    scheduler.addModel({ key: 'm:1', maxQueueSize: 10 });
    const early = scheduler.submit('m:1', rows(1)).catch((e: unknown) => e); // runs, never answers in time
    clock.advance(60);
    let late: unknown = 'pending';
    void scheduler.submit('m:1', rows(2)).catch((e: unknown) => (late = e)); // queued behind it, deadline 160
    expect(clock.armed()).toBe(1);
    clock.advance(40);
    expect(((await early) as ServiceError).kind).toBe('timeout');
    await flush();
    expect(late).toBe('pending');
    clock.advance(59);
    await flush();
    expect(late).toBe('pending');
    clock.advance(1);
    await flush();
    expect((late as ServiceError).kind).toBe('unavailable');
    expect(clock.armed()).toBe(0);
    executor.runs[0]!.finish(); // the timed-out run answers at last: ignored, the runner is free again
    await flush();
    const next = scheduler.submit('m:1', rows(3));
    expect(clock.armed()).toBe(1);
    executor.runs[1]!.finish();
    expect(Array.from((await next).outputs.y!.data as Float32Array)).toEqual([30]);
    expect(clock.armed()).toBe(0);
  });

  it('fails every request of a batch whose run fails', async () => {
    const executor = manualExecutor(1);
    const scheduler = new Scheduler(executor, 10_000, manualClock());
    scheduler.addModel({ key: 'm:1', maxQueueSize: 10, batching: { maxBatchSize: 4, maxQueueDelayUs: 0 } });
    const first = scheduler.submit('m:1', rows(1)).catch((e: unknown) => e);
    executor.runs[0]!.fail(new ServiceError('unavailable', 'worker crashed'));
    expect(((await first) as ServiceError).message).toBe('worker crashed');
  });
});

describe('canBatchTogether', () => {
  const t = (datatype: 'FP32' | 'INT64', ...shape: number[]) => ({ datatype, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
  it('merges requests that agree on every input but the batch dimension', () => {
    expect(canBatchTogether({ x: t('FP32', 1, 4), m: t('INT64', 1) } as TensorMap, { m: t('INT64', 7), x: t('FP32', 7, 4) } as TensorMap)).toBe(true);
    expect(canBatchTogether({ x: t('FP32', 1, 4) } as TensorMap, { x: t('FP32', 1, 5) } as TensorMap)).toBe(false); // trailing dimension
    expect(canBatchTogether({ x: t('FP32', 1, 4) } as TensorMap, { x: t('FP32', 1, 4, 1) } as TensorMap)).toBe(false); // rank
    expect(canBatchTogether({ x: t('FP32', 1, 4) } as TensorMap, { x: t('INT64', 1, 4) } as TensorMap)).toBe(false); // datatype
    expect(canBatchTogether({ x: t('FP32', 1, 4) } as TensorMap, { x: t('FP32', 1, 4), m: t('INT64', 1) } as TensorMap)).toBe(false); // an extra input
    expect(canBatchTogether({ x: t('FP32', 1, 4), m: t('INT64', 1) } as TensorMap, { x: t('FP32', 1, 4) } as TensorMap)).toBe(false); // a missing one
  });
});

describe('PredictionCache', () => {
  const outputs = (v: number): TensorMap => ({ y: { datatype: 'FP32', shape: [1], data: Float32Array.from([v]) } });

  it('keys on model, version and input bytes', () => {
    const k1 = PredictionCache.key('m', '1', rows(1, 2));
    expect(PredictionCache.key('m', '1', rows(1, 2))).toBe(k1);
    expect(PredictionCache.key('m', '2', rows(1, 2))).not.toBe(k1);
    expect(PredictionCache.key('m', '1', rows(2, 1))).not.toBe(k1);
    expect(PredictionCache.key('m', '1', { x: { datatype: 'FP32', shape: [1, 2], data: Float32Array.from([1, 2]) } })).not.toBe(k1);
  });

  it('evicts the least recently used entries to stay within its bytes', () => {
    const cache = new PredictionCache(1000);
    for (let i = 0; i < 10; i++) cache.set(`key${i}`, outputs(i));
    expect(cache.usedBytes).toBeLessThanOrEqual(1000);
    expect(cache.get('key0')).toBeUndefined();
    expect(cache.get('key9')!.y!.data).toEqual(Float32Array.from([9]));
    const survivor = [...Array(10).keys()].find((i) => i < 9 && cache.get(`key${i}`) !== undefined)!;
    cache.set('new', outputs(42)); // the entry read last must survive the next eviction
    expect(cache.get(`key${survivor}`)).toBeDefined();
  });
});

describe('drift', () => {
  it('PSI is 0 for the reference mix and large for a shifted one', () => {
    expect(populationStabilityIndex([0.5, 0.5], [50, 50], 100)).toBeCloseTo(0, 10);
    expect(populationStabilityIndex([0.5, 0.5], [95, 5], 100)).toBeGreaterThan(0.25);
  });

  it('keeps a bounded window of the most recent rows', () => {
    const window = new DriftWindow(['a', 'b'], { a: { edges: [0], fractions: [0.5, 0.5] } }, 10, 5);
    window.addRows([-1, 0, 1, 0, -1, 0, 1, 0], 4, 2);
    expect(window.psi()).toEqual([]); // below minRows
    window.addRows(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 5 : 0)), 20, 2); // all "a" in the upper bin
    expect(window.rows).toBe(10);
    const [psi] = window.psi();
    expect(psi!.feature).toBe('a');
    expect(psi!.value).toBeGreaterThan(1);
  });
});
