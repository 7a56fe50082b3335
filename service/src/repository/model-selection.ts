import { ConfigError } from '../errors.js';
import { NAME_RULE, compareVersions, isValidModelName, isValidVersionName } from './names.js';

/** One model version to serve. */
export interface ModelRef {
  name: string;
  version: string;
}

/** A `--model NAME[:VERSION]` flag value; no version means the highest in the repository. */
export interface ModelSpec {
  name: string;
  version?: string;
}

/** Parses `NAME[:VERSION]`. */
export function parseModelSpec(spec: string): ModelSpec {
  const [name = '', version, ...rest] = spec.split(':');
  if (rest.length > 0 || !isValidModelName(name) || (version !== undefined && !isValidVersionName(version))) {
    throw new ConfigError(`--model ${JSON.stringify(spec)}: expected NAME or NAME:VERSION (${NAME_RULE})`);
  }
  return version === undefined ? { name } : { name, version };
}

/**
 * Decides which versions to serve: every listed spec, or every model at its highest version when none
 * is listed. Unknown names or versions are configuration errors naming what the repository holds.
 */
export function selectVersions(available: ReadonlyMap<string, string[]>, specs: ModelSpec[], dir: string): ModelRef[] {
  if (available.size === 0) throw new ConfigError(`--models ${dir}: no models found (expected ${dir}/<model>/<version>/model.onnx)`);
  const wanted: ModelSpec[] = specs.length > 0 ? specs : [...available.keys()].map((name) => ({ name }));
  const selected: ModelRef[] = [];
  for (const spec of wanted) {
    const versions = available.get(spec.name);
    if (!versions || versions.length === 0) {
      throw new ConfigError(`--model ${spec.name}: no such model in ${dir} (found: ${[...available.keys()].join(', ')})`);
    }
    const version = spec.version ?? highestVersion(versions);
    if (!versions.includes(version)) {
      throw new ConfigError(`--model ${spec.name}:${version}: no such version in ${dir}/${spec.name} (found: ${versions.join(', ')})`);
    }
    if (!selected.some((m) => m.name === spec.name && m.version === version)) selected.push({ name: spec.name, version });
  }
  return selected;
}

/** The highest version by `compareVersions`. */
function highestVersion(versions: readonly string[]): string {
  return [...versions].sort(compareVersions).at(-1)!;
}
