import type { TensorMap } from '../protocol/tensor.js';
import { modelKey } from './executor.js';
import { PredictionCache } from './prediction-cache.js';
import type { Scheduler } from './scheduler.js';

/** What the HTTP layer needs from the runtime: run a ready model version on validated inputs. */
export interface Inference {
  /** Resolves with every model output; `inputs` buffers may be transferred (do not reuse them). */
  infer(model: { name: string; version: string }, inputs: TensorMap): Promise<TensorMap>;
}

/** Timing hooks, implemented by the metrics. */
export interface InferenceObserver {
  queued(model: string, version: string, seconds: number): void;
  computed(model: string, version: string, seconds: number): void;
  batched(model: string, version: string, rows: number): void;
  cacheLookup(model: string, version: string, result: 'hit' | 'miss'): void;
}

/** Prediction cache (optional) in front of the scheduler, which batches onto the worker pool. */
export class InferenceEngine implements Inference {
  constructor(
    private readonly scheduler: Scheduler,
    private readonly observer: InferenceObserver,
    private readonly cache?: PredictionCache,
  ) {}

  async infer(model: { name: string; version: string }, inputs: TensorMap): Promise<TensorMap> {
    const { name, version } = model;
    let cacheKey: string | undefined;
    if (this.cache) {
      cacheKey = PredictionCache.key(name, version, inputs);
      const hit = this.cache.get(cacheKey);
      this.observer.cacheLookup(name, version, hit ? 'hit' : 'miss');
      if (hit) return hit;
    }
    const result = await this.scheduler.submit(modelKey(name, version), inputs);
    this.observer.queued(name, version, result.queueSeconds);
    this.observer.computed(name, version, result.computeSeconds);
    if (result.leader) this.observer.batched(name, version, result.batchRows);
    if (this.cache && cacheKey) this.cache.set(cacheKey, result.outputs);
    return result.outputs;
  }
}
