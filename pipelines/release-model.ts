import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { DeploySpec } from '../contract/deploy-spec.js';
import { ReleaseError } from './release-error.js';

/** The model a release bakes into its image, checked against the files. */
export interface ReleasedModel {
  name: string;
  version: string;
  /** `<models>/<name>/<version>`, absolute. */
  dir: string;
  /** As the spec should pin it: a path relative to the repository when it lies inside it. */
  uri: string;
  sha256: string;
}

/**
 * The spec's model (or `version` instead of the spec's, for a release that moves to a new version), refused
 * unless `model.onnx` is there and its sha256 equals both model.json's and — for the spec's own version — the spec's.
 */
export function checkReleasedModel(repo: string, models: string, spec: DeploySpec['model'], version = spec.version): ReleasedModel {
  const dir = resolve(repo, models, spec.name, version);
  const shown = relative(repo, dir) || dir;
  const onnx = join(dir, 'model.onnx');
  if (!existsSync(onnx)) {
    throw new ReleaseError(`model ${spec.name} version ${version}: ${shown}/model.onnx does not exist`,
      `put the model files there (sample models: npx keelson models sample --out ${models}), or pass --models DIR`);
  }
  const actual = createHash('sha256').update(readFileSync(onnx)).digest('hex');
  const declared = readDeclaredSha256(join(dir, 'model.json'), shown);
  if (declared !== actual) {
    throw new ReleaseError(`${shown}/model.json says sha256 ${declared}, but model.onnx has ${actual}`, 'the model files are inconsistent: export them again');
  }
  if (version === spec.version && spec.sha256 !== actual) {
    throw new ReleaseError(`model.sha256 = "${spec.sha256}" in the deploy spec does not match ${shown}/model.onnx (${actual})`,
      'pin the files you mean to release: fix model.sha256 in the spec, or point --models at the right model repository');
  }
  const inRepo = !relative(repo, dir).startsWith('..');
  const uri = inRepo ? relative(repo, dir) : dir;
  if (version === spec.version && !/^[a-z][a-z0-9+.-]*:\/\//i.test(spec.uri) && resolve(repo, spec.uri) !== dir) {
    throw new ReleaseError(`model.uri = "${spec.uri}" in the deploy spec is not the released model's directory ${uri}`,
      `set model.uri to "${uri}", or pass --models so that <models>/${spec.name}/${version} is the spec's directory`);
  }
  return { name: spec.name, version, dir, uri: version === spec.version ? spec.uri : uri, sha256: actual };
}

function readDeclaredSha256(file: string, shown: string): string {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ReleaseError(`${shown}/model.json cannot be read: ${(error as Error).message}`, 'every model version needs a model.json with its sha256');
  }
  const sha = (json as { sha256?: unknown }).sha256;
  if (typeof sha !== 'string' || !/^[0-9a-f]{64}$/.test(sha)) {
    throw new ReleaseError(`${shown}/model.json field sha256 = ${JSON.stringify(sha)}: expected 64 lower-case hex digits`, 'export the model again');
  }
  return sha;
}
