import { check } from '../errors.js';
import type { Exec } from '../../steps/exec.js';
import { buildArgsFlags, importChangeFlags } from './flags.js';
import type { ContainerRuntime, ImageBuilder, ImageInfo } from './types.js';

const hint = 'keelson uses docker only when `docker info` answers; start the daemon or set KEELSON_BUILDER=podman';

/** docker (buildx) as image builder and container runtime; used only when a daemon answers. */
export function dockerBuilder(exec: Exec): ImageBuilder & ContainerRuntime {
  const docker = async (action: string, args: string[], onLine?: (line: string) => void) =>
    check(action, 'docker', args, await exec('docker', args, onLine ? { onLine } : {}), hint);
  const probe = (args: string[]) => exec('docker', args);

  return {
    kind: 'docker',
    async build({ contextDir, dockerfile, tags, buildArgs, onLine }) {
      await docker(
        'docker buildx build',
        [
          'buildx', 'build', '--load', '--progress', 'plain',
          '-f', dockerfile,
          ...tags.flatMap((t) => ['-t', t]),
          ...buildArgsFlags(buildArgs),
          contextDir,
        ],
        onLine,
      );
    },
    async exists(ref) {
      return (await probe(['image', 'inspect', ref])).ok;
    },
    async inspect(ref) {
      const result = await docker('docker image inspect', ['image', 'inspect', ref]);
      return parseDockerInspect(result.stdout);
    },
    async importRootfs(request) {
      await docker('docker import', ['import', ...importChangeFlags(request), request.tarball, request.ref]);
    },
    async push({ source, destination, onLine }) {
      // The daemon decides about TLS: loopback registries are insecure-allowed by default.
      await docker('docker tag', ['tag', source, destination]);
      await docker('docker push', ['push', destination], onLine);
    },
    async run({ name, image, args, env, labels, mounts }) {
      await docker('docker run', [
        'run', '--detach', '--name', name, '--network', 'host',
        '--read-only', '--tmpfs', '/tmp',
        ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        ...(mounts ?? []).flatMap((m) => ['--volume', `${m.source}:${m.target}:ro`]),
        ...Object.entries(env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
        image,
        ...args,
      ]);
    },
    async isRunning(name) {
      const result = await probe(['container', 'inspect', '--format', '{{.State.Running}}', name]);
      return result.ok && result.stdout.trim() === 'true';
    },
    async logs(name) {
      const result = await probe(['logs', name]);
      return `${result.stdout}${result.stderr}`;
    },
    exec(name, command) {
      return probe(['exec', name, ...command]);
    },
    async remove(name) {
      const result = await probe(['rm', '--force', name]);
      if (!result.ok && !/no such container/i.test(result.stderr)) check('docker rm', 'docker', ['rm', '--force', name], result, hint);
    },
    async listByLabel(key) {
      const result = await docker('docker ps', ['ps', '--all', '--filter', `label=${key}`, '--format', '{{.Names}}']);
      return result.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    },
  };
}

/** Reads the fields keelson needs from `docker image inspect` JSON (digest: the image id, as docker has no local manifest). */
export function parseDockerInspect(json: string): ImageInfo {
  const [image] = JSON.parse(json) as Array<{ Id: string; Size: number; Config?: { Healthcheck?: { Test?: string[] } } }>;
  if (!image) throw new Error('docker image inspect returned no image');
  return { id: image.Id, digest: image.Id, sizeBytes: image.Size, healthcheck: image.Config?.Healthcheck?.Test };
}
