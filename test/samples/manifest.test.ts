import { describe, expect, it, inject } from 'vitest';
import { parseManifest } from '../../service/src/repository/manifest-schema.js';
import { loadPenguins, PENGUIN_FEATURES, PENGUIN_LABELS } from '../../tools/penguins.js';
import { binIndex } from '../../service/src/metrics/drift.js';
import { readManifest } from './onnx-run.js';

const modelsDir = inject('modelsDir');
const VERSIONS = ['1', '2', '3', '4', '5', '6'];
const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

describe('sample manifests (model.json)', () => {
  it.each(VERSIONS)('version %s passes the server manifest schema and names itself', (version) => {
    const parsed = parseManifest(readManifest(modelsDir, version));
    expect(parsed).toMatchObject({ ok: true });
    const manifest = readManifest(modelsDir, version);
    expect(manifest).toMatchObject({ name: 'penguins', version, labels: [...PENGUIN_LABELS], labelOutput: 'label' });
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.description?.length).toBeGreaterThan(10);
    expect(manifest.batching).toEqual({ max_batch_size: 64, max_queue_delay_us: 2000 });
    expect(manifest.outputs).toEqual([
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      { name: 'label', datatype: 'INT64', shape: [-1] },
    ]);
  });

  it('versions 1-4 and 6 take `features` FP32 [-1, 4] in the fixed feature order', () => {
    for (const version of ['1', '2', '3', '4', '6']) {
      const manifest = readManifest(modelsDir, version);
      expect(manifest.inputs, `version ${version}`).toEqual([{ name: 'features', datatype: 'FP32', shape: [-1, 4] }]);
      expect(manifest.features).toEqual([...PENGUIN_FEATURES]);
    }
  });

  it('records held-out and training accuracy', () => {
    for (const version of VERSIONS) {
      const { metrics } = readManifest(modelsDir, version);
      expect(metrics?.accuracy, `version ${version}`).toBeGreaterThan(0.5);
      expect(metrics?.trainAccuracy, `version ${version}`).toBeGreaterThan(0.5);
    }
  });

  it('has decile references whose fractions describe the training data', () => {
    const manifest = readManifest(modelsDir, '2');
    const reference = manifest.reference!;
    expect(Object.keys(reference.features)).toEqual([...PENGUIN_FEATURES]);
    for (const [name, feature] of Object.entries(reference.features)) {
      expect(feature.fractions, name).toHaveLength(feature.edges.length + 1);
      expect(feature.edges.length, name).toBeGreaterThanOrEqual(5);
      expect([...feature.edges].sort((a, b) => a - b), name).toEqual(feature.edges);
      expect(sum(feature.fractions), name).toBeCloseTo(1, 10);
      for (const fraction of feature.fractions) expect(fraction, name).toBeLessThan(0.2);
    }
    // Bins of the whole data set should look like the training reference (the split is stratified).
    const flipper = reference.features.flipper_length_mm!;
    const counts = new Array<number>(flipper.fractions.length).fill(0);
    const all = loadPenguins();
    for (const p of all) counts[binIndex(flipper.edges, p.features[2] as number)]++;
    counts.forEach((count, bin) => expect(Math.abs(count / all.length - (flipper.fractions[bin] as number))).toBeLessThan(0.05));
  });

  it('has the predicted-class mix of the training rows, summing to 1', () => {
    const predictions = readManifest(modelsDir, '2').reference?.predictions ?? {};
    expect(Object.keys(predictions)).toEqual([...PENGUIN_LABELS]);
    expect(sum(Object.values(predictions))).toBeCloseTo(1, 10);
    expect(predictions.Adelie).toBeGreaterThan(0.3);
  });
});
