import type { Activation, DenseClassifier, DenseLayer } from './classifier.js';
import { createRandom } from '../random.js';

/** Hyper-parameters of full-batch training with softmax cross-entropy. */
export interface TrainOptions {
  /** Hidden layer widths; `[]` is multinomial logistic regression. */
  hidden: number[];
  activation: Activation;
  optimizer: 'gd' | 'adam';
  learningRate: number;
  epochs: number;
  /** L2 penalty on weights (not biases). */
  l2: number;
  seed: number;
}

interface Params {
  weights: Float64Array;
  bias: Float64Array;
  inputSize: number;
  outputSize: number;
}

/** Mean and population standard deviation per column (a zero std becomes 1 so the graph never divides by 0). */
function columnStats(rows: readonly (readonly number[])[]): { mean: number[]; std: number[] } {
  const width = rows[0]?.length ?? 0;
  const mean = Array.from({ length: width }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const std = mean.map((m, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / rows.length) || 1);
  return { mean, std };
}

/**
 * Trains a dense softmax classifier by full-batch backpropagation. Deterministic: the seed fixes the
 * initial weights (Glorot-normal), and the data order never matters because every step sees every row.
 */
export function trainClassifier(
  rows: readonly (readonly number[])[],
  labels: readonly number[],
  classCount: number,
  options: TrainOptions,
): DenseClassifier {
  const { mean, std } = columnStats(rows);
  const mean32 = Float32Array.from(mean);
  const std32 = Float32Array.from(std);
  const inputs = rows.map((row) => row.map((v, j) => (v - mean32[j]) / std32[j]));
  const sizes = [rows[0]?.length ?? 0, ...options.hidden, classCount];
  const random = createRandom(options.seed);
  const params: Params[] = sizes.slice(1).map((outputSize, l) => {
    const inputSize = sizes[l];
    const scale = Math.sqrt(2 / (inputSize + outputSize));
    const weights = Float64Array.from({ length: inputSize * outputSize }, () => random.normal() * scale);
    return { weights, bias: new Float64Array(outputSize), inputSize, outputSize };
  });
  const activations = params.map((_, l) => (l === params.length - 1 ? 'none' : options.activation));
  const step = createOptimizer(params, options);
  const gradient = createGradient(params, activations, inputs, labels, options.l2);
  for (let epoch = 0; epoch < options.epochs; epoch++) step(gradient());
  const layers: DenseLayer[] = params.map((p, l) => ({
    inputSize: p.inputSize,
    outputSize: p.outputSize,
    weights: Float32Array.from(p.weights),
    bias: Float32Array.from(p.bias),
    activation: activations[l],
  }));
  return { mean: mean32, std: std32, layers };
}

/**
 * Returns a function computing the gradient of mean cross-entropy + L2 with respect to every weight and
 * bias. Buffers are allocated once: training runs thousands of epochs and should take a second, not ten.
 */
function createGradient(
  params: Params[],
  activations: Activation[],
  inputs: readonly number[][],
  labels: readonly number[],
  l2: number,
): () => Params[] {
  const grads = params.map((p) => ({ ...p, weights: new Float64Array(p.weights.length), bias: new Float64Array(p.bias.length) }));
  const outs = [new Float64Array(params[0]?.inputSize ?? 0), ...params.map((p) => new Float64Array(p.outputSize))];
  const deltas = outs.map((o) => new Float64Array(o.length));
  const n = inputs.length;
  const last = params.length - 1;
  return () => {
    for (const g of grads) {
      g.weights.fill(0);
      g.bias.fill(0);
    }
    for (let r = 0; r < n; r++) {
      outs[0].set(inputs[r]);
      for (let l = 0; l <= last; l++) layerForward(params[l], activations[l], outs[l], outs[l + 1]);
      softmaxDelta(outs[last + 1], labels[r], n, deltas[last + 1]);
      for (let l = last; l >= 0; l--) {
        const { inputSize, outputSize, weights } = params[l];
        const g = grads[l].weights;
        const x = outs[l];
        const delta = deltas[l + 1];
        const below = deltas[l];
        for (let i = 0; i < inputSize; i++) {
          let sum = 0;
          for (let j = 0; j < outputSize; j++) {
            g[i * outputSize + j] += x[i] * delta[j];
            sum += weights[i * outputSize + j] * delta[j];
          }
          if (l > 0) below[i] = sum * activationDerivative(activations[l - 1], x[i]);
        }
        for (let j = 0; j < outputSize; j++) grads[l].bias[j] += delta[j];
      }
    }
    grads.forEach((g, l) => {
      const w = params[l].weights;
      for (let i = 0; i < w.length; i++) g.weights[i] += l2 * w[i];
    });
    return grads;
  };
}

/** `(softmax(logits) - onehot(label)) / n` into `out`: the cross-entropy gradient at the logits. */
function softmaxDelta(logits: Float64Array, label: number, n: number, out: Float64Array): void {
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let total = 0;
  for (let k = 0; k < logits.length; k++) total += (out[k] = Math.exp(logits[k] - max));
  for (let k = 0; k < logits.length; k++) out[k] = (out[k] / total - (k === label ? 1 : 0)) / n;
}

function layerForward(p: Params, activation: Activation, x: Float64Array, out: Float64Array): void {
  for (let j = 0; j < p.outputSize; j++) {
    let sum = p.bias[j];
    for (let i = 0; i < p.inputSize; i++) sum += x[i] * p.weights[i * p.outputSize + j];
    out[j] = activation === 'tanh' ? Math.tanh(sum) : activation === 'relu' ? Math.max(0, sum) : sum;
  }
}

/** Derivative expressed through the activation's output `y`. */
function activationDerivative(activation: Activation, y: number): number {
  if (activation === 'tanh') return 1 - y * y;
  if (activation === 'relu') return y > 0 ? 1 : 0;
  return 1;
}

/** Returns a function that applies one update step in place (plain gradient descent or Adam). */
function createOptimizer(params: Params[], options: TrainOptions): (grads: Params[]) => void {
  const lr = options.learningRate;
  if (options.optimizer === 'gd') {
    return (grads) =>
      params.forEach((p, l) => {
        const g = grads[l];
        for (let i = 0; i < p.weights.length; i++) p.weights[i] -= lr * g.weights[i];
        for (let j = 0; j < p.bias.length; j++) p.bias[j] -= lr * g.bias[j];
      });
  }
  const [beta1, beta2, epsilon] = [0.9, 0.999, 1e-8];
  const tensors = params.flatMap((p) => [p.weights, p.bias]);
  const firstMoments = tensors.map((a) => new Float64Array(a.length));
  const secondMoments = tensors.map((a) => new Float64Array(a.length));
  let t = 0;
  return (grads) => {
    t++;
    const correction1 = 1 - beta1 ** t;
    const correction2 = 1 - beta2 ** t;
    grads.flatMap((g) => [g.weights, g.bias]).forEach((grad, k) => {
      const [value, m, v] = [tensors[k], firstMoments[k], secondMoments[k]];
      for (let i = 0; i < value.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * grad[i];
        v[i] = beta2 * v[i] + (1 - beta2) * grad[i] * grad[i];
        value[i] -= (lr * (m[i] / correction1)) / (Math.sqrt(v[i] / correction2) + epsilon);
      }
    });
  };
}
