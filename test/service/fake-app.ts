import { Writable } from 'node:stream';
import { createApp, type AppDeps } from '../../service/src/http/app.js';
import { createLogger } from '../../service/src/logging/logger.js';
import type { ModelManifest } from '../../service/src/manifest.js';
import { DriftWindow } from '../../service/src/metrics/drift.js';
import { ServiceMetrics } from '../../service/src/metrics/service-metrics.js';
import { ModelRegistry } from '../../service/src/models/model-registry.js';
import type { TensorMap } from '../../service/src/protocol/tensor.js';
import type { Inference } from '../../service/src/runtime/inference-engine.js';

/** A penguins-like manifest (no ONNX file needed): 4 features in, probabilities and label out. */
export function fakeManifest(version: string): ModelManifest {
  const features = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'];
  return {
    name: 'penguins',
    version,
    sha256: 'a'.repeat(64),
    features,
    labels: ['Adelie', 'Chinstrap', 'Gentoo'],
    inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 3] },
      { name: 'label', datatype: 'INT64', shape: [-1] },
    ],
    labelOutput: 'label',
    reference: { features: Object.fromEntries(features.map((f) => [f, { edges: [0, 100], fractions: [0.1, 0.8, 0.1] }])) },
  };
}

/** Deterministic stand-in for the runtime: label = (first feature) mod 3, probabilities one-hot. */
export const fakeInference: Inference = {
  async infer(_model, inputs: TensorMap) {
    const x = Object.values(inputs)[0]!;
    const rows = x.shape[0]!;
    const width = x.shape[1]!;
    const label = new BigInt64Array(rows);
    const probabilities = new Float32Array(rows * 3);
    for (let r = 0; r < rows; r++) {
      const cls = Math.abs(Math.trunc(Number(x.data[r * width]))) % 3;
      label[r] = BigInt(cls);
      probabilities[r * 3 + cls] = 1;
    }
    return {
      probabilities: { datatype: 'FP32', shape: [rows, 3], data: probabilities },
      label: { datatype: 'INT64', shape: [rows], data: label },
    };
  },
};

/** A `createApp` with fake inference, versions 1 and 2 ready, 3 failed; log lines captured. */
export function fakeApp(overrides: { authToken?: string; bodyLimitBytes?: number; inference?: Inference } = {}) {
  const models = new ModelRegistry([{ name: 'penguins', version: '1' }, { name: 'penguins', version: '2' }]);
  models.update({ name: 'penguins', version: '1', status: 'ready', manifest: fakeManifest('1') });
  models.update({ name: 'penguins', version: '2', status: 'ready', manifest: fakeManifest('2') });
  const metrics = new ServiceMetrics({ defaultMetrics: false });
  for (const v of ['1', '2']) metrics.trackDrift('penguins', v, new DriftWindow(fakeManifest(v).features, fakeManifest(v).reference!.features, 100, 10));
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger({ level: 'info', destination });
  const state = { draining: false };
  const deps: AppDeps = {
    models, metrics, logger,
    inference: overrides.inference ?? fakeInference,
    isDraining: () => state.draining,
    options: {
      bodyLimitBytes: overrides.bodyLimitBytes ?? 4 * 1024 * 1024,
      serverVersion: '0.0.0-test',
      extensions: ['kserve_v1_predict'],
      ...(overrides.authToken ? { authToken: overrides.authToken } : {}),
    },
  };
  const app = createApp(deps);
  return { app, deps, models, metrics, lines, state };
}
