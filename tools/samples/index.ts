/**
 * The sample models: real classifiers trained in TypeScript on the Palmer penguins and exported as ONNX,
 * written as a model repository (`DIR/penguins/<version>/model.{onnx,json}`), versions 1..6.
 */
export { ensureSampleModels, writeSampleModels, GENERATOR_VERSION } from './write-samples.js';
export type { SampleSummary, SampleVersionSummary } from './write-samples.js';
export { buildSampleVersions, SLOW_BUSY_WORK, INCOMPATIBLE_INPUT } from './sample-versions.js';
export type { SampleKind, SampleVersion } from './sample-versions.js';
export { trainPenguinModels, measure, predictedMix, TRAINING } from './penguin-models.js';
export type { PenguinModels, Dataset } from './penguin-models.js';
export { predictProbabilities, predictLabel, accuracy } from './classifier.js';
export type { DenseClassifier, DenseLayer, Activation } from './classifier.js';
export { SAMPLE_MODEL_NAME, sha256Hex } from './sample-manifest.js';
export { buildClassifierOnnx, CLASSIFIER_IO } from './onnx/classifier-onnx.js';
export { buildMlpOnnx, buildMlpModel, randomMlp } from './onnx/mlp-onnx.js';
export type { MlpOnnxOptions } from './onnx/mlp-onnx.js';
export { classMix, classMixShift } from './reference-stats.js';
