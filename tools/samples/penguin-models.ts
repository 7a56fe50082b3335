import { accuracy, predictLabel, type DenseClassifier } from './classifier.js';
import { loadPenguins, PENGUIN_LABELS, type Penguin } from '../penguins.js';
import { classMix, classMixShift } from './reference-stats.js';
import { stratifiedSplit, type Split } from './split.js';
import { trainClassifier, type TrainOptions } from './train.js';

/** Seeds and hyper-parameters of the sample set. */
export interface TrainingPlan {
  splitSeed: number;
  testFraction: number;
  logistic: TrainOptions;
  mlp: TrainOptions;
  /** Version 4 adds `step` to the `label` logit per step until its class mix is `minimumShift` away from version 2's. */
  shift: { label: (typeof PENGUIN_LABELS)[number]; step: number; minimumShift: number };
}

/** The plan in use: changing any number changes the sample files (bump `GENERATOR_VERSION`). */
export const TRAINING: TrainingPlan = {
  splitSeed: 42,
  testFraction: 0.25,
  logistic: { hidden: [], activation: 'none', optimizer: 'gd', learningRate: 0.5, epochs: 500, l2: 1e-3, seed: 1 },
  mlp: { hidden: [16], activation: 'tanh', optimizer: 'adam', learningRate: 0.01, epochs: 1000, l2: 1e-4, seed: 2 },
  shift: { label: 'Chinstrap', step: 0.5, minimumShift: 0.2 },
};

/** A labelled table of inputs. */
export interface Dataset {
  rows: number[][];
  labels: number[];
}

/** Everything the sample versions are made of: the data, the split and the trained classifiers. */
export interface PenguinModels {
  penguins: Penguin[];
  split: Split;
  train: Dataset;
  test: Dataset;
  /** Version 1: multinomial logistic regression. */
  logistic: DenseClassifier;
  /** Version 2 (and 3, 6): 4-16-3 tanh MLP. */
  mlp: DenseClassifier;
  /** Version 4: the MLP with `shiftBias` added to one logit. */
  shifted: DenseClassifier;
  shiftBias: number;
  /** Version 5: logistic regression on the four measurements plus sex (1 male, 0 female). */
  withSex: DenseClassifier;
  withSexTrain: Dataset;
  withSexTest: Dataset;
}

/** Trains every sample classifier; deterministic and takes a second or two. */
export function trainPenguinModels(penguins: Penguin[] = loadPenguins()): PenguinModels {
  const split = stratifiedSplit(
    penguins.map((p) => p.label),
    TRAINING.testFraction,
    TRAINING.splitSeed,
  );
  const pick = (indices: number[], withSex = false): Dataset => {
    const chosen = indices.map((i) => penguins[i] as Penguin).filter((p) => !withSex || p.sex !== null);
    return { rows: chosen.map((p) => (withSex ? [...p.features, p.sex as number] : p.features)), labels: chosen.map((p) => p.label) };
  };
  const [train, test] = [pick(split.train), pick(split.test)];
  const classes = PENGUIN_LABELS.length;
  const logistic = trainClassifier(train.rows, train.labels, classes, TRAINING.logistic);
  const mlp = trainClassifier(train.rows, train.labels, classes, TRAINING.mlp);
  const all = penguins.map((p) => p.features);
  const { model: shifted, bias: shiftBias } = shiftTowards(mlp, all, PENGUIN_LABELS.indexOf(TRAINING.shift.label));
  const [withSexTrain, withSexTest] = [pick(split.train, true), pick(split.test, true)];
  const withSex = trainClassifier(withSexTrain.rows, withSexTrain.labels, classes, TRAINING.logistic);
  return { penguins, split, train, test, logistic, mlp, shifted, shiftBias, withSex, withSexTrain, withSexTest };
}

/** Held-out and training accuracy of a classifier. */
export function measure(model: DenseClassifier, train: Dataset, test: Dataset): { accuracy: number; trainAccuracy: number } {
  return { accuracy: accuracy(model, test.rows, test.labels), trainAccuracy: accuracy(model, train.rows, train.labels) };
}

/** Predicted-class fractions of a classifier over some rows. */
export function predictedMix(model: DenseClassifier, rows: readonly number[][]): Record<string, number> {
  return classMix(
    rows.map((row) => predictLabel(model, row)),
    PENGUIN_LABELS,
  );
}

/** Raises one class's output bias in fixed steps until the predicted class mix moves by `minimumShift`. */
function shiftTowards(model: DenseClassifier, rows: number[][], classIndex: number): { model: DenseClassifier; bias: number } {
  const baseline = predictedMix(model, rows);
  const last = model.layers.length - 1;
  for (let step = 1; step <= 100; step++) {
    const bias = step * TRAINING.shift.step;
    const layers = model.layers.map((layer, l) => {
      if (l !== last) return layer;
      const shiftedBias = Float32Array.from(layer.bias);
      shiftedBias[classIndex] += bias;
      return { ...layer, bias: shiftedBias };
    });
    const candidate = { ...model, layers };
    if (classMixShift(baseline, predictedMix(candidate, rows)) >= TRAINING.shift.minimumShift) return { model: candidate, bias };
  }
  throw new Error(`no bias up to ${100 * TRAINING.shift.step} moves the class mix by ${TRAINING.shift.minimumShift}`);
}
