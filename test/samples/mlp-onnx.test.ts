import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildMlpModel, buildMlpOnnx, predictProbabilities, randomMlp, sha256Hex } from '../../tools/samples/index.js';
import { classify } from './onnx-run.js';

describe('buildMlpOnnx (benchmark models)', () => {
  it('builds a runnable classifier with the sample signature that matches the reference forward pass', async () => {
    const options = { inputSize: 4, hidden: [64, 32], outputSize: 3, seed: 7 };
    const session = await ort.InferenceSession.create(buildMlpOnnx(options));
    expect(session.inputNames).toEqual(['features']);
    expect(session.outputNames).toEqual(['probabilities', 'label']);
    const rows = [
      [39.1, 18.7, 181, 3750],
      [-1, 0.5, 2, 0],
    ];
    const { probabilities, labels } = await classify(session, rows);
    const model = randomMlp(options);
    rows.forEach((row, r) => {
      const expected = predictProbabilities(model, row);
      expected.forEach((p, k) => expect(Math.abs(p - (probabilities[r]?.[k] ?? NaN))).toBeLessThan(1e-5));
      expect(labels[r]).toBe(expected.indexOf(Math.max(...expected)));
    });
  });

  it('is seeded: same options give the same bytes, another seed different ones', () => {
    const options = { inputSize: 8, hidden: [16], outputSize: 2, seed: 1 };
    expect(sha256Hex(buildMlpOnnx(options))).toBe(sha256Hex(buildMlpOnnx(options)));
    expect(sha256Hex(buildMlpOnnx({ ...options, seed: 2 }))).not.toBe(sha256Hex(buildMlpOnnx(options)));
  });

  it('makes a compute-heavy [1024, 1024] model with a matching manifest', async () => {
    const { onnx, manifest } = buildMlpModel({ name: 'mlp', version: '1', inputSize: 4, hidden: [1024, 1024], outputSize: 3, seed: 1 });
    expect(manifest).toMatchObject({ name: 'mlp', version: '1', sha256: sha256Hex(onnx), features: ['f0', 'f1', 'f2', 'f3'], labelOutput: 'label' });
    const session = await ort.InferenceSession.create(onnx);
    const { probabilities, labels } = await classify(session, [[0.1, 0.2, 0.3, 0.4]]);
    expect(probabilities[0]).toHaveLength(3);
    expect(probabilities[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(labels).toHaveLength(1);
  });
});
