import type { ModelManifest } from '../manifest.js';
import type { BusyWorkOptions } from './onnx/busy-work.js';
import { buildClassifierOnnx, CLASSIFIER_IO } from './onnx/classifier-onnx.js';
import { measure, TRAINING, trainPenguinModels, type PenguinModels } from './penguin-models.js';
import { PENGUIN_FEATURES } from './penguins-data.js';
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

/** Builds all six sample versions in memory (deterministic bytes). */
export function buildSampleVersions(models: PenguinModels = trainPenguinModels()): SampleVersion[] {
  const features = [...PENGUIN_FEATURES];
  const io = { features, inputName: CLASSIFIER_IO.input, train: models.train };
  const mlpMetrics = measure(models.mlp, models.train, models.test);
  const doc = (text: string): { docString: string; graphName: string } => ({ docString: text, graphName: 'penguins' });

  const v1Text = 'Multinomial logistic regression (softmax, gradient descent) on the four measurements.';
  const v1 = buildClassifierOnnx(models.logistic, doc(v1Text));
  const v2Text = 'MLP 4-16-3 (tanh, Adam) on the four measurements; more accurate than version 1 on the held-out split.';
  const v2 = buildClassifierOnnx(models.mlp, doc(v2Text));
  const v3Text = `Slow: version 2's predictions plus ${SLOW_BUSY_WORK.steps} products of ${SLOW_BUSY_WORK.size}x${SLOW_BUSY_WORK.size} matrices per inference call.`;
  const v3 = buildClassifierOnnx(models.mlp, { ...doc(v3Text), busyWork: SLOW_BUSY_WORK });
  const v4Text = `Shifted: version 2 with +${models.shiftBias} on the ${TRAINING.shift.label} logit, so it over-predicts ${TRAINING.shift.label}.`;
  const v4 = buildClassifierOnnx(models.shifted, doc(v4Text));
  const v5Text = `Incompatible: expects input '${INCOMPATIBLE_INPUT.name}' [-1, 5] (the measurements plus sex), not 'features' [-1, 4].`;
  const v5 = buildClassifierOnnx(models.withSex, { ...doc(v5Text), inputName: INCOMPATIBLE_INPUT.name });
  const v6Text = "Corrupt: version 2's file with damaged bytes; the manifest's sha256 is the intact file's, so loading must refuse it.";

  const v2Manifest = classifierManifest({ ...io, version: '2', description: v2Text, onnx: v2, model: models.mlp, metrics: mlpMetrics });
  return [
    {
      version: '1',
      kind: 'logistic',
      onnx: v1,
      manifest: classifierManifest({ ...io, version: '1', description: v1Text, onnx: v1, model: models.logistic, metrics: measure(models.logistic, models.train, models.test) }),
    },
    { version: '2', kind: 'mlp', onnx: v2, manifest: v2Manifest },
    { version: '3', kind: 'slow', onnx: v3, manifest: classifierManifest({ ...io, version: '3', description: v3Text, onnx: v3, model: models.mlp, metrics: mlpMetrics }) },
    {
      version: '4',
      kind: 'shifted',
      onnx: v4,
      manifest: classifierManifest({ ...io, version: '4', description: v4Text, onnx: v4, model: models.shifted, metrics: measure(models.shifted, models.train, models.test) }),
    },
    {
      version: '5',
      kind: 'incompatible',
      onnx: v5,
      manifest: classifierManifest({
        version: '5',
        description: v5Text,
        onnx: v5,
        model: models.withSex,
        features: [...INCOMPATIBLE_INPUT.features],
        inputName: INCOMPATIBLE_INPUT.name,
        train: models.withSexTrain,
        metrics: measure(models.withSex, models.withSexTrain, models.withSexTest),
      }),
    },
    { version: '6', kind: 'corrupt', onnx: damage(v2), manifest: { ...v2Manifest, version: '6', description: v6Text, sha256: sha256Hex(v2) } },
  ];
}

/** Flips one bit in the middle of the file: a one-bit difference that only the checksum catches reliably. */
function damage(bytes: Uint8Array): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[out.length >> 1] ^= 0x01;
  return out;
}
