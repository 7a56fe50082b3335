import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildMlpModel, ensureSampleModels } from '../tools/samples/index.js';

/** The compute-heavy model of scenario 3: a random MLP with the penguins' signature (4 features in, 3 classes out). */
export interface HeavyModelSpec {
  name: string;
  version: string;
  hidden: number[];
}

/** Two 1024-wide hidden layers: ≈2.1 MFLOP and ≈4 MiB of weights read per row. */
export const DEFAULT_HEAVY: HeavyModelSpec = { name: 'heavy', version: '1', hidden: [1024, 1024] };

/**
 * Makes the benchmark's model repository: the sample models (penguins 1..6) plus `<heavy.name>/<heavy.version>/`,
 * rewritten only when its bytes would change. Returns a one-line description of the heavy model.
 */
export async function prepareModels(dir: string, heavy: HeavyModelSpec): Promise<string> {
  mkdirSync(dir, { recursive: true });
  await ensureSampleModels(dir);
  const { onnx, manifest } = buildMlpModel({ name: heavy.name, version: heavy.version, inputSize: 4, hidden: heavy.hidden, outputSize: 3, seed: 7 });
  const versionDir = join(dir, heavy.name, heavy.version);
  const manifestFile = join(versionDir, 'model.json');
  const current = existsSync(manifestFile) ? (JSON.parse(readFileSync(manifestFile, 'utf8')) as { sha256?: string }).sha256 : undefined;
  if (current !== manifest.sha256) {
    mkdirSync(versionDir, { recursive: true });
    writeFileSync(join(versionDir, 'model.onnx'), onnx);
    writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  }
  const batching = manifest.batching ? `model.json batching max_batch_size ${manifest.batching.max_batch_size}, max_queue_delay_us ${manifest.batching.max_queue_delay_us}` : 'no batching in model.json';
  return `${heavy.name}:${heavy.version}, MLP 4-${heavy.hidden.join('-')}-3 (relu, random weights, ${(onnx.length / 2 ** 20).toFixed(1)} MiB; ${batching})`;
}
