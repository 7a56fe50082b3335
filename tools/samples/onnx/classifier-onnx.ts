import type { DenseClassifier } from '../classifier.js';
import { appendBusyWork, type BusyWorkOptions } from './busy-work.js';
import { ElementType, GraphBuilder, int } from './graph-builder.js';

/** Names of the classifier graph's tensors, shared by every sample version. */
export const CLASSIFIER_IO = { input: 'features', probabilities: 'probabilities', label: 'label' } as const;

export interface ClassifierOnnxOptions {
  /** Graph input name; `features` unless the version deliberately breaks the signature. */
  inputName?: string;
  graphName?: string;
  docString?: string;
  /** Adds input-dependent compute that leaves the outputs unchanged (the slow version). */
  busyWork?: BusyWorkOptions;
}

/**
 * Exports a dense classifier as ONNX: input `[N, F]` FP32 standardised in the graph (`Sub` mean, `Div` std),
 * dense layers (`MatMul`, `Add`, activation), outputs `probabilities` `[N, C]` FP32 (`Softmax`) and
 * `label` `[N]` INT64 (`ArgMax` over the probabilities, keepdims 0).
 */
export function buildClassifierOnnx(model: DenseClassifier, options: ClassifierOnnxOptions = {}): Uint8Array {
  const featureCount = model.mean.length;
  const classCount = model.layers[model.layers.length - 1]?.outputSize ?? 0;
  const builder = new GraphBuilder(options.graphName ?? 'classifier');
  const input = builder.input(options.inputName ?? CLASSIFIER_IO.input, ElementType.FLOAT, ['N', featureCount]);
  const centred = builder.node('Sub', [input, builder.floats('feature_mean', [featureCount], model.mean)], 'centred');
  let value = builder.node('Div', [centred, builder.floats('feature_std', [featureCount], model.std)], 'standardised');
  model.layers.forEach((layer, l) => {
    const weights = builder.floats(`layer${l}_weights`, [layer.inputSize, layer.outputSize], layer.weights);
    const bias = builder.floats(`layer${l}_bias`, [layer.outputSize], layer.bias);
    value = builder.node('Add', [builder.node('MatMul', [value, weights], `layer${l}_product`), bias], `layer${l}_linear`);
    if (layer.activation === 'tanh') value = builder.node('Tanh', [value], `layer${l}_tanh`);
    if (layer.activation === 'relu') value = builder.node('Relu', [value], `layer${l}_relu`);
  });
  if (options.busyWork) value = builder.node('Add', [value, appendBusyWork(builder, input, options.busyWork)], 'logits_after_busy_work');
  addClassifierOutputs(builder, value, classCount);
  return builder.encode({ docString: options.docString ?? '' });
}

/** Adds `probabilities` (Softmax over the class axis) and `label` (ArgMax) outputs to a graph ending in logits. */
function addClassifierOutputs(builder: GraphBuilder, logits: string, classCount: number): void {
  builder.node('Softmax', [logits], CLASSIFIER_IO.probabilities, { axis: int(1) });
  builder.node('ArgMax', [CLASSIFIER_IO.probabilities], CLASSIFIER_IO.label, { axis: int(1), keepdims: int(0) });
  builder.output(CLASSIFIER_IO.probabilities, ElementType.FLOAT, ['N', classCount]);
  builder.output(CLASSIFIER_IO.label, ElementType.INT64, ['N']);
}
