import { beforeAll, describe, expect, it, inject } from 'vitest';
import { predictProbabilities, trainPenguinModels, type DenseClassifier, type PenguinModels } from '../../tools/samples/index.js';
import { classify, openSession, readManifest } from './onnx-run.js';

const modelsDir = inject('modelsDir');
let models: PenguinModels;

beforeAll(() => {
  models = trainPenguinModels();
});

/** Largest |ONNX - reference| over every probability of every row, and the rows whose labels differ. */
async function compare(version: string, model: DenseClassifier, rows: number[][]): Promise<{ maxError: number; labelMismatches: number }> {
  const onnx = await classify(await openSession(modelsDir, version), rows);
  let maxError = 0;
  let labelMismatches = 0;
  rows.forEach((row, r) => {
    const expected = predictProbabilities(model, row);
    expected.forEach((p, k) => (maxError = Math.max(maxError, Math.abs(p - (onnx.probabilities[r]?.[k] ?? NaN)))));
    if (expected.indexOf(Math.max(...expected)) !== onnx.labels[r]) labelMismatches++;
  });
  return { maxError, labelMismatches };
}

describe('sample ONNX graphs match the TypeScript reference forward pass', () => {
  it.each([
    ['1', 'logistic'],
    ['2', 'mlp'],
  ] as const)('version %s (%s): every held-out row within 1e-5, same labels', async (version, kind) => {
    const model = kind === 'logistic' ? models.logistic : models.mlp;
    const result = await compare(version, model, models.test.rows);
    expect(models.test.rows).toHaveLength(86);
    expect(result.maxError).toBeLessThan(1e-5);
    expect(result.labelMismatches).toBe(0);
  });

  it('version 2 also matches on every training row', async () => {
    const result = await compare('2', models.mlp, models.train.rows);
    expect(result.maxError).toBeLessThan(1e-5);
    expect(result.labelMismatches).toBe(0);
  });

  it('ONNX accuracy equals the manifest accuracy, and version 2 beats version 1 on the held-out split', async () => {
    const heldOutAccuracy = async (version: string): Promise<number> => {
      const { labels } = await classify(await openSession(modelsDir, version), models.test.rows);
      return labels.filter((label, i) => label === models.test.labels[i]).length / labels.length;
    };
    const [v1, v2] = [await heldOutAccuracy('1'), await heldOutAccuracy('2')];
    expect(v1).toBeCloseTo(readManifest(modelsDir, '1').metrics?.accuracy ?? -1, 10);
    expect(v2).toBeCloseTo(readManifest(modelsDir, '2').metrics?.accuracy ?? -1, 10);
    expect(v2).toBeGreaterThan(v1);
    expect(v1).toBeGreaterThan(0.9);
  });
});
