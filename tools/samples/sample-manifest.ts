import { createHash } from 'node:crypto';
import type { BatchingConfig, ModelManifest } from '../../service/src/manifest.js';
import { predictedMix, type Dataset } from './penguin-models.js';
import type { DenseClassifier } from './classifier.js';
import { CLASSIFIER_IO } from './onnx/classifier-onnx.js';
import { PENGUIN_LABELS } from '../penguins.js';
import { featureReference } from './reference-stats.js';

/** Model name of the samples in the repository (`DIR/penguins/<version>/`). */
export const SAMPLE_MODEL_NAME = 'penguins';

/** Batching limits written into every sample manifest (flags override them). */
export const SAMPLE_BATCHING: BatchingConfig = { max_batch_size: 64, max_queue_delay_us: 2000 };

/** Hex sha256 of some bytes. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface ClassifierManifestInput {
  version: string;
  description: string;
  /** The ONNX file the manifest describes (its sha256 goes into the manifest). */
  onnx: Uint8Array;
  model: DenseClassifier;
  features: string[];
  inputName: string;
  train: Dataset;
  metrics: { accuracy: number; trainAccuracy: number; [name: string]: number };
}

/** Manifest of a classifier version: signature, metrics and drift reference from its training inputs. */
export function classifierManifest(input: ClassifierManifestInput): ModelManifest {
  const { model, features, train } = input;
  const classes = PENGUIN_LABELS.length;
  return {
    name: SAMPLE_MODEL_NAME,
    version: input.version,
    sha256: sha256Hex(input.onnx),
    description: input.description,
    features,
    labels: [...PENGUIN_LABELS],
    inputs: [{ name: input.inputName, datatype: 'FP32', shape: [-1, features.length] }],
    outputs: [
      { name: CLASSIFIER_IO.probabilities, datatype: 'FP32', shape: [-1, classes] },
      { name: CLASSIFIER_IO.label, datatype: 'INT64', shape: [-1] },
    ],
    labelOutput: CLASSIFIER_IO.label,
    metrics: input.metrics,
    reference: {
      features: Object.fromEntries(features.map((name, j) => [name, featureReference(train.rows.map((row) => row[j] as number))])),
      predictions: predictedMix(model, train.rows),
    },
    batching: { ...SAMPLE_BATCHING },
  };
}
