import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InvalidOptionError } from './errors.js';
import type { Exec } from '../steps/exec.js';
import { builderKinds, type BuilderKind } from './builders/types.js';

/** What detection may ask about the machine; injected so the decision is testable without tools. */
export interface BuilderProbe {
  hasCommand(name: string): boolean;
  /** True when `docker buildx` is usable: the plugin is installed and a daemon answers. */
  dockerBuildxAnswers(): Promise<boolean>;
}

/** The outcome of detection, with a line per builder saying why it was or was not picked. */
export type Detection =
  | { kind: 'found'; builder: BuilderKind; notes: string[] }
  | { kind: 'none'; notes: string[] };

/**
 * Picks the builder: `docker buildx` only if a daemon answers, else `podman`, else `buildah`.
 * `forced` (from `--builder` or `KEELSON_BUILDER`) skips the preference order but not the checks.
 */
export async function detectBuilder(probe: BuilderProbe, forced?: string): Promise<Detection> {
  if (forced !== undefined && !(builderKinds as readonly string[]).includes(forced)) {
    throw new InvalidOptionError('builder', forced, `one of ${builderKinds.join(', ')}`);
  }
  const candidates = forced ? [forced as BuilderKind] : [...builderKinds];
  const notes: string[] = [];
  for (const kind of candidates) {
    if (!probe.hasCommand(kind)) {
      notes.push(`${kind}: not installed`);
      continue;
    }
    if (kind === 'docker' && !(await probe.dockerBuildxAnswers())) {
      notes.push('docker: installed, but no daemon answers (or buildx is missing)');
      continue;
    }
    notes.push(`${kind}: available`);
    return { kind: 'found', builder: kind, notes };
  }
  return { kind: 'none', notes };
}

/** True when an executable called `name` is on `path` (no process started). */
export function onPath(name: string, path = process.env.PATH ?? ''): boolean {
  return findOnPath(name, path) !== undefined;
}

/** The full path of executable `name` on `path`, if any. */
export function findOnPath(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/** The real probe: PATH lookups, and `docker info` + `docker buildx version` with a short timeout. */
export function systemProbe(exec: Exec): BuilderProbe {
  return {
    hasCommand: (name) => onPath(name),
    async dockerBuildxAnswers() {
      const info = await exec('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 10_000 });
      if (!info.ok || !info.stdout.trim()) return false;
      return (await exec('docker', ['buildx', 'version'], { timeoutMs: 10_000 })).ok;
    },
  };
}
