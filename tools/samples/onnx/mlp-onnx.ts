import type { ModelManifest } from '../../../service/src/manifest.js';
import type { Activation, DenseClassifier, DenseLayer } from '../classifier.js';
import { createRandom } from '../../random.js';
import { SAMPLE_BATCHING, sha256Hex } from '../sample-manifest.js';
import { buildClassifierOnnx, CLASSIFIER_IO } from './classifier-onnx.js';

/** Shape of a randomly initialised MLP classifier, e.g. for benchmarks that need a compute-heavy model. */
export interface MlpOnnxOptions {
  inputSize: number;
  hidden: number[];
  outputSize: number;
  seed: number;
  /** Hidden activation; `relu` by default. */
  activation?: Activation;
  /** Graph input name; `features` by default. */
  inputName?: string;
}

/** A seeded, untrained MLP classifier (Glorot-normal weights, zero biases, identity standardisation). */
export function randomMlp(options: MlpOnnxOptions): DenseClassifier {
  const random = createRandom(options.seed);
  const sizes = [options.inputSize, ...options.hidden, options.outputSize];
  const layers: DenseLayer[] = sizes.slice(1).map((outputSize, l) => {
    const inputSize = sizes[l] as number;
    const scale = Math.sqrt(2 / (inputSize + outputSize));
    return {
      inputSize,
      outputSize,
      weights: Float32Array.from({ length: inputSize * outputSize }, () => random.normal() * scale),
      bias: new Float32Array(outputSize),
      activation: l === sizes.length - 2 ? 'none' : (options.activation ?? 'relu'),
    };
  });
  return { mean: new Float32Array(options.inputSize), std: new Float32Array(options.inputSize).fill(1), layers };
}

/**
 * ONNX bytes of a seeded random MLP with the sample models' signature: input `[N, inputSize]` FP32,
 * outputs `probabilities` `[N, outputSize]` FP32 and `label` `[N]` INT64. Each row costs about
 * `2 · Σ(layer in · out)` FLOPs, e.g. ≈2.1 MFLOP for `{ inputSize: 4, hidden: [1024, 1024], outputSize: 3 }`.
 */
export function buildMlpOnnx(options: MlpOnnxOptions): Uint8Array {
  return buildClassifierOnnx(randomMlp(options), {
    graphName: 'mlp',
    inputName: options.inputName ?? CLASSIFIER_IO.input,
    docString: `Random MLP ${[options.inputSize, ...options.hidden, options.outputSize].join('-')} (seed ${options.seed}) for benchmarks.`,
  });
}

/** `buildMlpOnnx` plus a manifest (features `f0..`, labels `class0..`), ready for `DIR/<name>/<version>/`. */
export function buildMlpModel(options: MlpOnnxOptions & { name: string; version: string }): { onnx: Uint8Array; manifest: ModelManifest } {
  const onnx = buildMlpOnnx(options);
  const inputName = options.inputName ?? CLASSIFIER_IO.input;
  return {
    onnx,
    manifest: {
      name: options.name,
      version: options.version,
      sha256: sha256Hex(onnx),
      description: `Random MLP ${[options.inputSize, ...options.hidden, options.outputSize].join('-')} (seed ${options.seed}), untrained.`,
      features: Array.from({ length: options.inputSize }, (_, i) => `f${i}`),
      labels: Array.from({ length: options.outputSize }, (_, i) => `class${i}`),
      inputs: [{ name: inputName, datatype: 'FP32', shape: [-1, options.inputSize] }],
      outputs: [
        { name: CLASSIFIER_IO.probabilities, datatype: 'FP32', shape: [-1, options.outputSize] },
        { name: CLASSIFIER_IO.label, datatype: 'INT64', shape: [-1] },
      ],
      labelOutput: CLASSIFIER_IO.label,
      batching: { ...SAMPLE_BATCHING },
    },
  };
}
