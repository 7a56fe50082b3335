import type { FeatureReference, ModelManifest } from '../service/src/manifest.js';
import { createRandom, type Random } from '../tools/random.js';
import { OptimizeRequestError } from './errors.js';

/** Rows to compare a transformed model against its source, and where they came from. */
export interface ComparisonRows {
  /** Row-major `[count, features]`. */
  data: Float32Array;
  count: number;
  features: number;
  source: 'manifest reference bins' | 'standard normal';
  seed: number;
}

/**
 * Draws rows from the training distribution the manifest ships (`reference.features`: decile bins per feature,
 * sampled independently, uniform within a bin), or standard-normal rows for models without a reference.
 */
export function comparisonRows(manifest: ModelManifest, count: number, seed = 1): ComparisonRows {
  const input = manifest.inputs[0];
  if (manifest.inputs.length !== 1 || !input || input.datatype !== 'FP32' || input.shape.length !== 2) {
    const seen = manifest.inputs.map((i) => `${i.name} ${i.datatype} [${i.shape.join(', ')}]`).join(', ');
    throw new OptimizeRequestError(`model.json inputs (${seen}): expected one FP32 input of shape [-1, features]`);
  }
  const features = input.shape[1] ?? -1;
  if (features <= 0) throw new OptimizeRequestError(`model.json inputs[0].shape [${input.shape.join(', ')}]: expected a fixed feature count`);
  const random = createRandom(seed);
  const references = manifest.features.map((name) => manifest.reference?.features[name]);
  const usable = references.length === features && references.every((r) => r !== undefined && r.edges.length > 0);
  const data = new Float32Array(count * features);
  for (let r = 0; r < count; r++) {
    for (let j = 0; j < features; j++) data[r * features + j] = usable ? drawFromBins(references[j] as FeatureReference, random) : random.normal();
  }
  return { data, count, features, source: usable ? 'manifest reference bins' : 'standard normal', seed };
}

function drawFromBins(reference: FeatureReference, random: Random): number {
  const { edges, fractions } = reference;
  const first = edges[0] as number;
  const last = edges[edges.length - 1] as number;
  const width = edges.length > 1 ? (last - first) / (edges.length - 1) : Math.max(Math.abs(first), 1);
  let u = random.next();
  let bin = 0;
  while (bin < fractions.length - 1 && u >= (fractions[bin] as number)) u -= fractions[bin++] as number;
  const lo = bin === 0 ? first - width : (edges[bin - 1] as number);
  const hi = bin === edges.length ? last + width : (edges[bin] as number);
  return lo + random.next() * (hi - lo);
}
