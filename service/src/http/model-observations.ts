import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { ReadyModel } from '../models/model-registry.js';
import { fromFloat16Bits } from '../protocol/float16.js';
import type { TensorMap } from '../protocol/tensor.js';

/** Feeds the drift window with the request's feature rows (before the buffers go to a worker). */
export function observeInputs(metrics: ServiceMetrics, model: ReadyModel, inputs: TensorMap): void {
  const window = metrics.driftWindow(model.name, model.version);
  const tensor = inputs[model.manifest.inputs[0]!.name];
  if (!window || !tensor || tensor.shape.length !== 2 || typeof tensor.data[0] === 'bigint') return;
  // FP16 tensors hold bit patterns; the drift bins compare values.
  const values = tensor.datatype === 'FP16' ? Float32Array.from(tensor.data as Uint16Array, fromFloat16Bits) : (tensor.data as ArrayLike<number>);
  window.addRows(values, tensor.shape[0]!, tensor.shape[1]!);
}

/** Counts predicted class labels (classifiers only); unknown indices count as "unknown", keeping labels bounded. */
export function observeOutputs(metrics: ServiceMetrics, model: ReadyModel, outputs: TensorMap): void {
  const { labelOutput, labels } = model.manifest;
  const tensor = labelOutput ? outputs[labelOutput] : undefined;
  if (!tensor || !labels) return;
  const series = metrics.model(model.name, model.version);
  for (const value of tensor.data as Iterable<number | bigint>) series.prediction(labels[Number(value)] ?? 'unknown').inc();
}
