import type { ReadyModel } from '../models/model-registry.js';
import type { TensorMap } from '../protocol/tensor.js';
import type { FeedbackSink } from './feedback-log.js';
import { MAX_FEATURES_HELD, MAX_ROWS_HELD, type PredictionStore } from './prediction-store.js';

/** What the service keeps for ground truth: the held predictions and, with `--feedback-log`, the file log. */
export interface Feedback {
  store: PredictionStore;
  log?: FeedbackSink;
}

/** Completes a held prediction once the outputs are there. */
export type RememberOutputs = (outputs: TensorMap) => void;

/**
 * Starts holding a classifier's prediction under the request id the client gets back, for a label that may
 * come later. Called before inference, because the input buffers move to a worker thread: narrow feature rows
 * are copied now; the returned function records the predicted classes. Both inference paths call this.
 */
export function holdPrediction(feedback: Feedback | undefined, model: ReadyModel, requestId: string | undefined, inputs: TensorMap): RememberOutputs | undefined {
  const { labelOutput, labels } = model.manifest;
  if (!feedback || feedback.store.capacity === 0 || requestId === undefined || !labelOutput || !labels) return undefined;
  const features = narrowRows(inputs[model.manifest.inputs[0]!.name]);
  return function rememberOutputs(outputs) {
    const classes = outputs[labelOutput];
    if (classes) feedback.store.remember(requestId, model.name, model.version, classes.data as ArrayLike<number | bigint>, features);
  };
}

function narrowRows(tensor: TensorMap[string] | undefined): { data: number[]; width: number } | undefined {
  if (!tensor || tensor.shape.length !== 2 || tensor.data instanceof BigInt64Array || tensor.data instanceof BigUint64Array) return undefined;
  const [rows, width] = tensor.shape as [number, number];
  if (width > MAX_FEATURES_HELD) return undefined;
  return { data: Array.from(tensor.data.subarray(0, Math.min(rows, MAX_ROWS_HELD) * width)), width };
}
