import type { ModelManifest } from '../../service/src/manifest.js';
import type { DenseClassifier } from './classifier.js';
import type { BusyWorkOptions } from './onnx/busy-work.js';
import { buildClassifierOnnx, CLASSIFIER_IO } from './onnx/classifier-onnx.js';
import { measure, TRAINING, trainPenguinModels, type Dataset, type PenguinModels } from './penguin-models.js';
import { PENGUIN_FEATURES } from '../penguins.js';
import { classifierManifest, sha256Hex } from './sample-manifest.js';

/** What each sample version is for. */
export type SampleKind = 'logistic' | 'mlp' | 'slow' | 'shifted' | 'incompatible' | 'corrupt';

/** One version ready to be written: the ONNX bytes and the manifest that goes beside them. */
export interface SampleVersion {
  version: string;
  kind: SampleKind;
  onnx: Uint8Array;
  manifest: ModelManifest;
}

/** The slow version's extra work: 32 products of 256×256 matrices (≈1.1 GFLOP per inference call). */
export const SLOW_BUSY_WORK: BusyWorkOptions = { size: 256, steps: 32, seed: 3 };

/** Input of the incompatible version 5: a different name and a fifth column. */
export const INCOMPATIBLE_INPUT = { name: 'x', features: [...PENGUIN_FEATURES, 'sex'] } as const;

interface ClassifierVersion {
  version: string;
  kind: SampleKind;
  description: string;
  model: DenseClassifier;
  /** Training and held-out rows in the model's own input layout. */
  data: { train: Dataset; test: Dataset };
  features?: readonly string[];
  inputName?: string;
  busyWork?: BusyWorkOptions;
}

/** Exports one trained classifier and writes its manifest from the bytes actually produced. */
function classifierVersion(spec: ClassifierVersion): SampleVersion {
  const inputName = spec.inputName ?? CLASSIFIER_IO.input;
  const onnx = buildClassifierOnnx(spec.model, {
    graphName: 'penguins',
    docString: spec.description,
    inputName,
    ...(spec.busyWork ? { busyWork: spec.busyWork } : {}),
  });
  const manifest = classifierManifest({
    version: spec.version,
    description: spec.description,
    onnx,
    model: spec.model,
    features: [...(spec.features ?? PENGUIN_FEATURES)],
    inputName,
    train: spec.data.train,
    metrics: measure(spec.model, spec.data.train, spec.data.test),
  });
  return { version: spec.version, kind: spec.kind, onnx, manifest };
}

/** Builds all six sample versions in memory (deterministic bytes). */
export function buildSampleVersions(models: PenguinModels = trainPenguinModels()): SampleVersion[] {
  const data = { train: models.train, test: models.test };
  const { size, steps } = SLOW_BUSY_WORK;
  const shifted = TRAINING.shift.label;
  const mlp = classifierVersion({
    version: '2',
    kind: 'mlp',
    description: 'MLP 4-16-3 (tanh, Adam) on the four measurements; more accurate than version 1 on the held-out split.',
    model: models.mlp,
    data,
  });
  return [
    classifierVersion({
      version: '1',
      kind: 'logistic',
      description: 'Multinomial logistic regression (softmax, gradient descent) on the four measurements.',
      model: models.logistic,
      data,
    }),
    mlp,
    classifierVersion({
      version: '3',
      kind: 'slow',
      description: `Slow: version 2's predictions plus ${steps} products of ${size}x${size} matrices per inference call.`,
      model: models.mlp,
      data,
      busyWork: SLOW_BUSY_WORK,
    }),
    classifierVersion({
      version: '4',
      kind: 'shifted',
      description: `Shifted: version 2 with +${models.shiftBias} on the ${shifted} logit, so it over-predicts ${shifted}.`,
      model: models.shifted,
      data,
    }),
    classifierVersion({
      version: '5',
      kind: 'incompatible',
      description: `Incompatible: expects input '${INCOMPATIBLE_INPUT.name}' [-1, 5] (the measurements plus sex), not 'features' [-1, 4].`,
      model: models.withSex,
      data: { train: models.withSexTrain, test: models.withSexTest },
      features: INCOMPATIBLE_INPUT.features,
      inputName: INCOMPATIBLE_INPUT.name,
    }),
    corrupt(mlp),
  ];
}

/**
 * Version 6: version 2's file with one bit flipped in the middle, next to a manifest carrying the intact
 * file's sha256. Whether the damaged file still parses does not matter: the checksum must refuse it.
 */
function corrupt(intact: SampleVersion): SampleVersion {
  const onnx = Uint8Array.from(intact.onnx);
  onnx[onnx.length >> 1] ^= 0x01;
  const description = "Corrupt: version 2's file with one flipped bit; the manifest's sha256 is the intact file's, so loading must refuse it.";
  return { version: '6', kind: 'corrupt', onnx, manifest: { ...intact.manifest, version: '6', description, sha256: sha256Hex(intact.onnx) } };
}
