import type { EngineSettings } from '../engine.js';
import type { BuildRequest, ImportRequest, RunRequest } from './types.js';

/** What every builder's build ends with: the Dockerfile, the tags, the build arguments (sorted, so command lines are reproducible), the context. */
export function buildTargetFlags(request: Omit<BuildRequest, 'onLine'>): string[] {
  return [
    '-f', request.dockerfile,
    ...request.tags.flatMap((t) => ['-t', t]),
    ...Object.keys(request.buildArgs).sort().flatMap((key) => ['--build-arg', `${key}=${request.buildArgs[key]}`]),
    request.contextDir,
  ];
}

/** podman's and buildah's build flags for a sandbox. */
export function sandboxBuildFlags(settings: EngineSettings, pull: 'missing' | 'false'): string[] {
  return [
    // chroot isolation and host networking: no user namespaces or CNI needed inside a sandbox.
    '--isolation', 'chroot',
    '--network', 'host',
    // docker format: OCI image configs have no HEALTHCHECK, podman would drop it.
    '--format', 'docker',
    `--pull=${pull}`,
    `--layers=${settings.layers}`,
  ];
}

/** `--label`, read-only `--volume` and `--env` flags of `docker run` / `podman run`. */
export function runFlags(request: Pick<RunRequest, 'labels' | 'mounts' | 'env'>): string[] {
  return [
    ...Object.entries(request.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    ...(request.mounts ?? []).flatMap((m) => ['--volume', `${m.source}:${m.target}:ro`]),
    ...Object.entries(request.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
  ];
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
