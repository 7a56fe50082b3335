import { describeValue, notFound, unavailable } from '../errors.js';
import type { ModelManifest } from '../manifest.js';
import { compareVersions } from '../repository/names.js';
import type { ModelRef } from '../repository/model-selection.js';

/** Where a selected model version stands. */
export type ModelVersion =
  | { name: string; version: string; status: 'loading'; manifest?: ModelManifest }
  | { name: string; version: string; status: 'ready'; manifest: ModelManifest }
  | { name: string; version: string; status: 'failed'; manifest?: ModelManifest; reason: string };

/** A model version that can take inference requests. */
export type ReadyModel = Extract<ModelVersion, { status: 'ready' }>;

/**
 * The selected model versions and their load state. Resolves URL names to versions: an explicit version,
 * or the highest ready one. Unknown names are 404, versions that are loading or failed are 503.
 */
export class ModelRegistry {
  private readonly versions = new Map<string, ModelVersion>();

  constructor(selected: readonly ModelRef[]) {
    for (const ref of selected) this.versions.set(key(ref.name, ref.version), { ...ref, status: 'loading' });
  }

  /** Records the outcome of loading a version. */
  update(state: ModelVersion): void {
    this.versions.set(key(state.name, state.version), state);
  }

  list(): ModelVersion[] {
    return [...this.versions.values()];
  }

  /** Ready = every selected version loaded and warmed up. */
  allReady(): boolean {
    return this.list().every((v) => v.status === 'ready');
  }

  /** Versions of `name` that can take requests, ascending. */
  readyVersions(name: string): string[] {
    return this.ofModel(name).filter((v) => v.status === 'ready').map((v) => v.version);
  }

  /** A selected version in any state (for metadata and readiness); 404 when not selected. */
  find(name: string, version: string | undefined): ModelVersion {
    const versions = this.ofModel(name);
    if (versions.length === 0) {
      const served = [...new Set(this.list().map((v) => v.name))].join(', ');
      throw notFound(`model ${describeValue(name)} is not served here (served: ${served || 'none'})`);
    }
    if (version === undefined) return versions.findLast((v) => v.status === 'ready') ?? versions.at(-1)!;
    const found = versions.find((v) => v.version === version);
    if (!found) {
      throw notFound(`model "${name}" has no version ${describeValue(version)} here (served versions: ${versions.map((v) => v.version).join(', ')})`);
    }
    return found;
  }

  /** A version that can take inference requests right now; 404 or 503 otherwise. */
  findReady(name: string, version: string | undefined): ReadyModel {
    const found = this.find(name, version);
    if (found.status === 'ready') return found;
    if (found.status === 'loading') throw unavailable(`model "${name}" version ${found.version} is still loading; retry shortly`);
    throw unavailable(`model "${name}" version ${found.version} could not be loaded: ${found.reason}`, 30);
  }

  private ofModel(name: string): ModelVersion[] {
    return this.list().filter((v) => v.name === name).sort((a, b) => compareVersions(a.version, b.version));
  }
}

const key = (name: string, version: string): string => `${name}:${version}`;
