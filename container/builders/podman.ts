import { engineEnv, storageArgs, type EngineSettings } from '../engine.js';
import { check } from '../errors.js';
import type { Exec } from '../../steps/exec.js';
import { buildArgsFlags, importChangeFlags } from './flags.js';
import type { ContainerRuntime, ImageBuilder, ImageInfo } from './types.js';

const hint = 'podman runs as root here with --storage-driver vfs; see README "Containers" for the flags keelson passes';

/** podman as image builder and container runtime (rootful, `containers-storage`, chroot isolation). */
export function podmanBuilder(exec: Exec, settings: EngineSettings): ImageBuilder & ContainerRuntime {
  const env = engineEnv(settings);
  const podman = async (action: string, args: string[], onLine?: (line: string) => void) => {
    const full = [...storageArgs(settings), ...args];
    return check(action, 'podman', full, await exec('podman', full, { env, ...(onLine ? { onLine } : {}) }), hint);
  };
  const probe = (args: string[]) => exec('podman', [...storageArgs(settings), ...args], { env });

  return {
    kind: 'podman',
    async build({ contextDir, dockerfile, tags, buildArgs, onLine }) {
      await podman(
        'podman build',
        [
          'build',
          // chroot isolation and host networking: no user namespaces or CNI needed inside a sandbox.
          '--isolation', 'chroot',
          '--network', 'host',
          // docker format: OCI image configs have no HEALTHCHECK, podman would drop it.
          '--format', 'docker',
          '--pull=missing',
          `--layers=${settings.layers}`,
          '-f', dockerfile,
          ...tags.flatMap((t) => ['-t', t]),
          ...buildArgsFlags(buildArgs),
          contextDir,
        ],
        onLine,
      );
    },
    async exists(ref) {
      return (await probe(['image', 'exists', ref])).ok;
    },
    async inspect(ref) {
      const result = await podman('podman image inspect', ['image', 'inspect', ref]);
      return parsePodmanInspect(result.stdout);
    },
    async importRootfs(request) {
      await podman('podman import', ['import', ...importChangeFlags(request), request.tarball, request.ref]);
    },
    async push({ source, destination, tlsVerify, onLine }) {
      await podman('podman push', ['push', `--tls-verify=${tlsVerify}`, source, `docker://${destination}`], onLine);
    },
    async run({ name, image, args, env: containerEnv, labels, mounts }) {
      await podman('podman run', [
        'run', '--detach', '--name', name,
        ...(settings.ociRuntime ? ['--runtime', settings.ociRuntime] : []),
        '--network', 'host',
        // The image must work read-only; podman adds a tmpfs on /tmp, /var/tmp and /run.
        '--read-only',
        ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
        ...(mounts ?? []).flatMap((m) => ['--volume', `${m.source}:${m.target}:ro`]),
        ...Object.entries(containerEnv).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
        // podman would schedule HEALTHCHECK through systemd timers, absent in sandboxes; smoke runs it itself.
        '--no-healthcheck',
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
      const result = await probe(['rm', '--force', '--ignore', '--time', '5', name]);
      check('podman rm', 'podman', ['rm', '--force', name], result, hint);
    },
    async listByLabel(key) {
      const result = await podman('podman ps', ['ps', '--all', '--filter', `label=${key}`, '--format', '{{.Names}}']);
      return result.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    },
  };
}

/** Reads the fields keelson needs from `podman image inspect` JSON. */
export function parsePodmanInspect(json: string): ImageInfo {
  const [image] = JSON.parse(json) as Array<{
    Id: string;
    Digest?: string;
    Size: number;
    Healthcheck?: { Test?: string[] };
    Config?: { Healthcheck?: { Test?: string[] } };
  }>;
  if (!image) throw new Error('podman image inspect returned no image');
  return {
    id: image.Id,
    digest: image.Digest ?? `sha256:${image.Id}`,
    sizeBytes: image.Size,
    healthcheck: image.Healthcheck?.Test ?? image.Config?.Healthcheck?.Test,
  };
}
