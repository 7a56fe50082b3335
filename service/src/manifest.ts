/**
 * `model.json`: the manifest written beside every `model.onnx` in a model repository
 * (`DIR/<model>/<version>/model.{onnx,json}`). The sample trainer writes it; the server,
 * the pipelines and the dashboards read it.
 */

/** Open Inference Protocol datatype names. */
export type Datatype =
  | 'BOOL' | 'UINT8' | 'UINT16' | 'UINT32' | 'UINT64'
  | 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FP16' | 'FP32' | 'FP64' | 'BYTES';

/** Tensor metadata as the protocol reports it; -1 marks a dynamic dimension. */
export interface TensorSpec {
  name: string;
  datatype: Datatype;
  shape: number[];
}

/** Reference distribution of one input feature: quantile bin edges and the training fraction per bin. */
export interface FeatureReference {
  /** Inner bin edges (ascending); n edges make n + 1 bins. */
  edges: number[];
  /** Fraction of training rows in each bin; sums to 1. */
  fractions: number[];
}

/** Triton-style dynamic batching limits (optional; flags override). */
export interface BatchingConfig {
  max_batch_size: number;
  max_queue_delay_us: number;
  /** Bounded queue per model version; requests beyond it get 503 + Retry-After. */
  max_queue_size?: number;
}

export interface ModelManifest {
  name: string;
  version: string;
  /** Hex sha256 of `model.onnx`; verified before loading. */
  sha256: string;
  description?: string;
  /** Input column names in order (for KServe V1 object instances). */
  features: string[];
  /** Class labels by class index, for classifiers. */
  labels?: string[];
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  /** Output tensor holding the predicted class index, for classifiers (counted in `model_predictions_total`). */
  labelOutput?: string;
  /** Held-out accuracy and whatever else the trainer measured. */
  metrics?: { accuracy?: number; trainAccuracy?: number; [name: string]: number | undefined };
  /** Training-data reference for drift: per-feature bins and the predicted-class mix. */
  reference?: {
    features: Record<string, FeatureReference>;
    predictions?: Record<string, number>;
  };
  batching?: BatchingConfig;
  /** Execution providers in order of preference (`cuda`, `cpu`); `keelson serve --execution-provider` overrides. */
  executionProviders?: string[];
}
