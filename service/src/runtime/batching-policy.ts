import type { ModelManifest } from '../manifest.js';
import type { BatchPolicy } from './scheduler.js';

/** Flag values that override every manifest's `batching` block. */
export interface SchedulingOverrides {
  maxBatchSize?: number;
  maxQueueDelayUs?: number;
  maxQueueSize?: number;
}

/** Queue bound when neither the manifest nor a flag sets one. */
const DEFAULT_MAX_QUEUE_SIZE = 256;

/**
 * Decides a model version's batching: the manifest's `batching` limits, overridden by flags; off when the
 * batch (first) dimension of any input or output is fixed, or when max_batch_size ≤ 1.
 */
export function schedulingFor(manifest: ModelManifest, overrides: SchedulingOverrides): { batching?: BatchPolicy; maxQueueSize: number; description: string } {
  const maxQueueSize = overrides.maxQueueSize ?? manifest.batching?.max_queue_size ?? DEFAULT_MAX_QUEUE_SIZE;
  const tensors = [...manifest.inputs, ...manifest.outputs];
  const fixed = tensors.find((t) => t.shape.length === 0 || t.shape[0] !== -1);
  if (fixed) return { maxQueueSize, description: `off (the first dimension of "${fixed.name}" is not dynamic)` };
  const maxBatchSize = overrides.maxBatchSize ?? manifest.batching?.max_batch_size ?? 0;
  if (maxBatchSize <= 1) return { maxQueueSize, description: 'off (max_batch_size ≤ 1)' };
  const maxQueueDelayUs = overrides.maxQueueDelayUs ?? manifest.batching?.max_queue_delay_us ?? 0;
  return { batching: { maxBatchSize, maxQueueDelayUs }, maxQueueSize, description: `on (max_batch_size ${maxBatchSize}, max_queue_delay_us ${maxQueueDelayUs})` };
}
