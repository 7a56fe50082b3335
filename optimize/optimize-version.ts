import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { cpus, hostname, loadavg } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { ModelManifest } from '../service/src/manifest.js';
import { isValidVersionName, NAME_RULE } from '../service/src/repository/names.js';
import { readModelVersion } from '../service/src/repository/read-version.js';
import { compareMeasurements, type Comparison } from './comparison.js';
import { OptimizeRequestError, UnsupportedGraphError } from './errors.js';
import { measureModel, type ModelMeasurement } from './measure.js';
import { comparisonRows } from './reference-rows.js';
import { transformModel, type TransformSpec } from './transform.js';

/** Where an optimized version came from; written into its model.json as `lineage`. */
export interface Lineage {
  source: { name: string; version: string; sha256: string };
  transform: string;
  parameters: TransformSpec & { prunedLayers?: { node: string; before: number; after: number }[] };
  tool: 'keelson models optimize';
}

/** model.json of an optimized version: the source's manifest with a new version, sha256, lineage and comparison. */
export type OptimizedManifest = ModelManifest & { lineage: Lineage; comparison: Comparison };

export interface OptimizeRequest {
  modelsDir: string;
  name: string;
  version: string;
  /** Version to write; the next free integer version when absent. */
  as?: string;
  spec: TransformSpec;
  rows: number;
  budgetMs: number;
  intraOpThreads: number;
}

/**
 * Reads a verified model version, transforms it, measures both on the same rows and writes
 * `DIR/<name>/<as>/model.{onnx,json}`. Everything is written into a hidden temporary directory first and renamed
 * into place at the end, so a failure leaves no half-written version.
 */
export async function optimizeVersion(request: OptimizeRequest): Promise<{ version: string; dir: string; manifest: OptimizedManifest }> {
  const { modelsDir, name, version } = request;
  const files = await readModelVersion(modelsDir, { name, version });
  if (!files.ok) throw new OptimizeRequestError(`--model ${name}:${version}: ${files.reason}`);
  const target = request.as ?? (await nextFreeVersion(modelsDir, name));
  if (!isValidVersionName(target)) throw new OptimizeRequestError(`--as ${JSON.stringify(target)}: a version name is ${NAME_RULE}`);
  const existing = await readdir(join(modelsDir, name));
  if (existing.includes(target)) throw new OptimizeRequestError(`--as ${target}: ${join(modelsDir, name, target)} already exists; pick a free version`);

  const result = transformModel(files.bytes, request.spec);
  const rows = comparisonRows(files.manifest, request.rows);
  const options = { budgetMs: request.budgetMs, intraOpThreads: request.intraOpThreads };
  let optimized: ModelMeasurement;
  try {
    optimized = await measureModel(result.bytes, files.manifest, rows, options);
  } catch (error) {
    throw new UnsupportedGraphError(`the ${result.transform} model of ${name}:${version} does not run in onnxruntime-node: ${error instanceof Error ? error.message : String(error)}`);
  }
  const source = await measureModel(files.bytes, files.manifest, rows, options);
  const comparison = compareMeasurements(rows, source, optimized, {
    host: hostname(),
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
    date: new Date().toISOString(),
    intraOpThreads: request.intraOpThreads,
  });
  const sha256 = createHash('sha256').update(result.bytes).digest('hex');
  const rest: ModelManifest = { ...files.manifest };
  delete rest.metrics; // the source's held-out accuracy does not describe the transformed model
  const manifest: OptimizedManifest = {
    ...rest,
    version: target,
    sha256,
    description: `${result.transform} of ${name}:${version} (label agreement ${(comparison.labelAgreement * 100).toFixed(1)}% on ${rows.count} rows)`,
    metrics: { labelAgreement: comparison.labelAgreement, ...(files.manifest.metrics?.accuracy === undefined ? {} : { sourceAccuracy: files.manifest.metrics.accuracy }) },
    lineage: {
      source: { name, version, sha256: files.manifest.sha256 },
      transform: result.transform,
      parameters: { ...request.spec, ...(result.pruned.length ? { prunedLayers: result.pruned } : {}) },
      tool: 'keelson models optimize',
    },
    comparison,
  };
  const dir = join(modelsDir, name, target);
  const staging = join(modelsDir, name, `.${target}.partial-${process.pid}`);
  await mkdir(staging, { recursive: true });
  try {
    await writeFile(join(staging, 'model.onnx'), result.bytes);
    await writeFile(join(staging, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(staging, dir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw new OptimizeRequestError(`cannot write ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  return { version: target, dir, manifest };
}

/** One above the highest integer version of the model (`1` when it has none). */
async function nextFreeVersion(modelsDir: string, name: string): Promise<string> {
  const versions = (await readdir(join(modelsDir, name))).filter((v) => /^\d+$/.test(v)).map(Number);
  return String(Math.max(0, ...versions) + 1);
}
