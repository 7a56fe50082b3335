import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { compareVersions, isValidModelName, isValidVersionName } from './names.js';

/**
 * Lists a model repository: `DIR/<model>/<version>/` directories with valid names, versions sorted
 * ascending. Anything else in the directory is ignored.
 */
export async function scanRepository(dir: string): Promise<Map<string, string[]>> {
  let models;
  try {
    models = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new ConfigError(`--models ${dir}: cannot read the model repository (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const found = new Map<string, string[]>();
  for (const model of models) {
    if (!model.isDirectory() || !isValidModelName(model.name)) continue;
    const versions = (await readdir(join(dir, model.name), { withFileTypes: true }))
      .filter((v) => v.isDirectory() && isValidVersionName(v.name))
      .map((v) => v.name)
      .sort(compareVersions);
    if (versions.length > 0) found.set(model.name, versions);
  }
  return found;
}
