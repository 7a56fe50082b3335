import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLE_MODEL_NAME } from './sample-manifest.js';
import { buildSampleVersions, type SampleKind, type SampleVersion } from './sample-versions.js';

/**
 * Bump whenever training, graphs or manifests change, so `ensureSampleModels` rewrites old copies.
 * The stamp file `DIR/.keelson-samples.json` records which generator wrote the directory.
 */
export const GENERATOR_VERSION = 3;
const STAMP_FILE = '.keelson-samples.json';

/** One written version, as the CLI and the test setup report it. */
export interface SampleVersionSummary {
  version: string;
  kind: SampleKind;
  description: string;
  /** Held-out accuracy from the manifest. */
  accuracy?: number;
  /** sha256 recorded in the manifest (for the corrupt version it does not match the file). */
  sha256: string;
}

export interface SampleSummary {
  /** Repository directory; the versions live in `<dir>/penguins/<version>/`. */
  dir: string;
  model: string;
  /** False when `ensureSampleModels` found current files and wrote nothing. */
  written: boolean;
  versions: SampleVersionSummary[];
}

interface Stamp {
  generator: number;
  model: string;
  versions: SampleVersionSummary[];
}

/** Trains and writes every sample version into `dir`, replacing what is there. */
export function writeSampleModels(dir: string, onProgress: (line: string) => void = () => {}): SampleSummary {
  onProgress('training on the Palmer penguins (342 rows, 75/25 stratified split)');
  const versions = buildSampleVersions();
  for (const sample of versions) {
    const versionDir = join(dir, SAMPLE_MODEL_NAME, sample.version);
    mkdirSync(versionDir, { recursive: true });
    writeAtomically(join(versionDir, 'model.onnx'), sample.onnx);
    writeAtomically(join(versionDir, 'model.json'), `${JSON.stringify(sample.manifest, null, 2)}\n`);
    onProgress(`wrote ${SAMPLE_MODEL_NAME}/${sample.version} (${sample.kind}, ${sample.onnx.length} bytes)`);
  }
  const stamp: Stamp = { generator: GENERATOR_VERSION, model: SAMPLE_MODEL_NAME, versions: versions.map(summarise) };
  writeAtomically(join(dir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
  return { dir, model: SAMPLE_MODEL_NAME, written: true, versions: stamp.versions };
}

/**
 * Writes the sample models into `dir` unless a current generator already wrote all of them. Safe when
 * several processes call it at once: every file is written to a temporary name and renamed into place,
 * and all writers produce identical bytes.
 */
export async function ensureSampleModels(dir: string, onProgress?: (line: string) => void): Promise<SampleSummary> {
  const stamp = readStamp(dir);
  const complete = stamp?.versions.every((v) =>
    ['model.onnx', 'model.json'].every((file) => existsSync(join(dir, stamp.model, v.version, file))),
  );
  if (stamp && stamp.generator === GENERATOR_VERSION && complete) {
    return { dir, model: stamp.model, written: false, versions: stamp.versions };
  }
  return writeSampleModels(dir, onProgress);
}

function summarise(sample: SampleVersion): SampleVersionSummary {
  const { manifest } = sample;
  return {
    version: sample.version,
    kind: sample.kind,
    description: manifest.description ?? '',
    ...(manifest.metrics?.accuracy === undefined ? {} : { accuracy: manifest.metrics.accuracy }),
    sha256: manifest.sha256,
  };
}

function readStamp(dir: string): Stamp | undefined {
  try {
    const stamp = JSON.parse(readFileSync(join(dir, STAMP_FILE), 'utf8')) as Stamp;
    return Array.isArray(stamp.versions) && typeof stamp.model === 'string' ? stamp : undefined;
  } catch {
    return undefined;
  }
}

/** Readers never see a half-written file: write beside the target, then rename over it. */
function writeAtomically(path: string, content: Uint8Array | string): void {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}
