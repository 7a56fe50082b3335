import { engineEnv, storageArgs, type EngineSettings } from '../engine.js';
import type { Exec } from '../../steps/exec.js';
import { containerQueries, toolCommand } from './command.js';
import { buildTargetFlags, importChangeFlags, runFlags, sandboxBuildFlags } from './flags.js';
import type { ContainerRuntime, ImageBuilder, ImageInfo } from './types.js';

const hint = 'podman runs as root here with --storage-driver vfs; see docs/delivery.md for the flags keelson passes';

/** podman as image builder and container runtime (rootful, `containers-storage`, chroot isolation). */
export function podmanBuilder(exec: Exec, settings: EngineSettings): ImageBuilder & ContainerRuntime {
  const tool = toolCommand(exec, { program: 'podman', globalArgs: storageArgs(settings), env: engineEnv(settings), hint });
  const podman = tool.run;

  return {
    kind: 'podman',
    async build({ onLine, ...request }) {
      await podman('podman build', ['build', ...sandboxBuildFlags(settings, 'missing'), ...buildTargetFlags(request)], onLine);
    },
    async exists(ref) {
      return (await tool.probe(['image', 'exists', ref])).ok;
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
    async run({ name, image, args, ...flags }) {
      await podman('podman run', [
        'run', '--detach', '--name', name,
        ...(settings.ociRuntime ? ['--runtime', settings.ociRuntime] : []),
        '--network', 'host',
        // The image must work read-only; podman adds a tmpfs on /tmp, /var/tmp and /run.
        '--read-only',
        ...runFlags(flags),
        // podman would schedule HEALTHCHECK through systemd timers, absent in sandboxes; smoke runs it itself.
        '--no-healthcheck',
        image,
        ...args,
      ]);
    },
    ...containerQueries(tool),
    async remove(name) {
      const result = await tool.probe(['rm', '--force', '--ignore', '--time', '5', name]);
      tool.ensureOk('podman rm', ['rm', '--force', name], result);
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
