/**
 * A dense feed-forward classifier as both the TypeScript reference and the ONNX export see it:
 * standardise, then dense layers, then softmax. Parameters are float32 so the reference uses exactly
 * the numbers stored in the ONNX file.
 */

export type Activation = 'none' | 'tanh' | 'relu';

/** `y = activation(x · weights + bias)`; `weights` is row-major `[inputSize, outputSize]`. */
export interface DenseLayer {
  inputSize: number;
  outputSize: number;
  weights: Float32Array;
  bias: Float32Array;
  activation: Activation;
}

export interface DenseClassifier {
  /** Per-feature mean and standard deviation of the training inputs; the graph computes `(x - mean) / std`. */
  mean: Float32Array;
  std: Float32Array;
  layers: DenseLayer[];
}

/** Applies one dense layer to one row. */
function denseForward(layer: DenseLayer, input: ArrayLike<number>): number[] {
  const out = new Array<number>(layer.outputSize);
  for (let j = 0; j < layer.outputSize; j++) {
    let sum = layer.bias[j];
    for (let i = 0; i < layer.inputSize; i++) sum += input[i] * layer.weights[i * layer.outputSize + j];
    out[j] = activate(layer.activation, sum);
  }
  return out;
}

function activate(activation: Activation, value: number): number {
  if (activation === 'tanh') return Math.tanh(value);
  if (activation === 'relu') return value > 0 ? value : 0;
  return value;
}

/** Numerically stable softmax. */
function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((v) => Math.exp(v - max));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

/** Index of the largest value; the first one wins ties, as ONNX ArgMax does. */
function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Standardises one row with the classifier's mean and std. */
function standardise(model: DenseClassifier, row: readonly number[]): number[] {
  return row.map((v, i) => (v - model.mean[i]) / model.std[i]);
}

/** Logits (pre-softmax outputs) of one raw input row. */
function logits(model: DenseClassifier, row: readonly number[]): number[] {
  let activations: number[] = standardise(model, row);
  for (const layer of model.layers) activations = denseForward(layer, activations);
  return activations;
}

/** Reference forward pass: class probabilities of one raw input row. */
export function predictProbabilities(model: DenseClassifier, row: readonly number[]): number[] {
  return softmax(logits(model, row));
}

/** Reference forward pass: predicted class index of one raw input row. */
export function predictLabel(model: DenseClassifier, row: readonly number[]): number {
  return argmax(predictProbabilities(model, row));
}

/** Fraction of rows whose predicted class equals the true label. */
export function accuracy(model: DenseClassifier, rows: readonly (readonly number[])[], labels: readonly number[]): number {
  let correct = 0;
  rows.forEach((row, i) => {
    if (predictLabel(model, row) === labels[i]) correct++;
  });
  return rows.length === 0 ? 0 : correct / rows.length;
}
