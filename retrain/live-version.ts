/** The version a candidate must match: named (`--live`, or the deploy spec's), else the highest penguins version that verifies. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest } from '../service/src/manifest.js';
import { compareVersions } from '../service/src/repository/names.js';
import { readModelVersion } from '../service/src/repository/read-version.js';
import { PENGUIN_FEATURES, PENGUIN_LABELS } from '../tools/penguins.js';
import { RetrainInputError } from './errors.js';

export interface LiveVersion {
  version: string;
  manifest: ModelManifest;
  bytes: Uint8Array;
}

/** Reads the named version (refused when it fails verification or is not a penguins classifier) or picks the highest usable one. */
export async function liveVersion(modelsDir: string, name: string, version: string | undefined, onProgress: (line: string) => void): Promise<LiveVersion> {
  if (version !== undefined) {
    const problem = await unusable(modelsDir, name, version);
    if (typeof problem === 'string') throw new RetrainInputError(`live version ${name}:${version}: ${problem}`);
    return problem;
  }
  const versions = (await versionsOf(modelsDir, name)).sort(compareVersions).reverse();
  for (const candidate of versions) {
    const found = await unusable(modelsDir, name, candidate);
    if (typeof found !== 'string') return found;
    onProgress(`skipping ${name}:${candidate} as the live version: ${found}`);
  }
  throw new RetrainInputError(`--models ${modelsDir}: no version of ${name} verifies and classifies the four penguin measurements; name the live version with --live`);
}

/** The next integer version (one above the highest). */
export async function nextVersion(modelsDir: string, name: string): Promise<string> {
  const numbers = (await versionsOf(modelsDir, name)).filter((v) => /^\d+$/.test(v)).map(Number);
  return String(Math.max(0, ...numbers) + 1);
}

export async function versionsOf(modelsDir: string, name: string): Promise<string[]> {
  try {
    return (await readdir(join(modelsDir, name), { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name);
  } catch (error) {
    throw new RetrainInputError(`--models ${modelsDir}: cannot list ${join(modelsDir, name)} (${(error as NodeJS.ErrnoException).code ?? String(error)}); expected ${modelsDir}/${name}/<version>/model.onnx`);
  }
}

/** The version, or why a penguins candidate cannot be compared with it. */
async function unusable(modelsDir: string, name: string, version: string): Promise<LiveVersion | string> {
  const files = await readModelVersion(modelsDir, { name, version });
  if (!files.ok) return files.reason;
  const { manifest } = files;
  const same = (a: readonly string[] | undefined, b: readonly string[]) => a !== undefined && a.join(',') === b.join(',');
  if (!same(manifest.features, PENGUIN_FEATURES)) return `its features are ${JSON.stringify(manifest.features)}, expected ${JSON.stringify(PENGUIN_FEATURES)}`;
  if (!same(manifest.labels, PENGUIN_LABELS)) return `its labels are ${JSON.stringify(manifest.labels)}, expected ${JSON.stringify(PENGUIN_LABELS)}`;
  if (!manifest.labelOutput) return 'its model.json names no labelOutput';
  return { version, manifest, bytes: files.bytes };
}
