import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelManifest } from '../manifest.js';
import { parseManifest } from './manifest-schema.js';
import type { ModelRef } from './model-selection.js';

/** A model version read from disk: verified bytes, or why it cannot be served. */
export type VersionFiles =
  | { ok: true; manifest: ModelManifest; bytes: Uint8Array }
  | { ok: false; manifest?: ModelManifest; reason: string };

/**
 * Reads `model.json` and `model.onnx` of one version and verifies the file's sha256 against the manifest
 * before anything parses the model. Only ONNX is ever read: no pickle/joblib, so loading a model cannot
 * execute code.
 */
export async function readModelVersion(dir: string, ref: ModelRef): Promise<VersionFiles> {
  const versionDir = join(dir, ref.name, ref.version);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(versionDir, 'model.json'), 'utf8'));
  } catch (error) {
    return { ok: false, reason: `cannot read ${join(versionDir, 'model.json')}: ${describe(error)}` };
  }
  const parsed = parseManifest(json);
  if (!parsed.ok) return { ok: false, reason: `invalid ${join(versionDir, 'model.json')}: ${parsed.reason}` };
  const manifest = parsed.manifest;
  if (manifest.name !== ref.name || manifest.version !== ref.version) {
    return { ok: false, manifest, reason: `model.json says ${manifest.name}:${manifest.version} but lies in ${versionDir}` };
  }
  let bytes: Uint8Array;
  try {
    bytes = await readFile(join(versionDir, 'model.onnx'));
  } catch (error) {
    return { ok: false, manifest, reason: `cannot read ${join(versionDir, 'model.onnx')}: ${describe(error)}` };
  }
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== manifest.sha256.toLowerCase()) {
    return { ok: false, manifest, reason: `sha256 mismatch: model.json expects ${manifest.sha256}, model.onnx has ${actual}` };
  }
  return { ok: true, manifest, bytes };
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
