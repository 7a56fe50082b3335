import type { ImportRequest } from './types.js';

/** `--build-arg K=V` pairs, in a stable order so command lines are reproducible. */
export function buildArgsFlags(buildArgs: Record<string, string>): string[] {
  return Object.keys(buildArgs)
    .sort()
    .flatMap((key) => ['--build-arg', `${key}=${buildArgs[key]}`]);
}

/** `--change INSTRUCTION` pairs for `podman import` / `docker import`. */
export function importChangeFlags(request: Pick<ImportRequest, 'env' | 'cmd' | 'labels'>): string[] {
  const changes = [
    ...Object.entries(request.env).map(([k, v]) => `ENV ${k}=${v}`),
    ...Object.entries(request.labels).map(([k, v]) => `LABEL ${k}=${JSON.stringify(v)}`),
    `CMD ${JSON.stringify(request.cmd)}`,
  ];
  return changes.flatMap((change) => ['--change', change]);
}
