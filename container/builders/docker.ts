import type { Exec } from '../../steps/exec.js';
import { containerQueries, toolCommand } from './command.js';
import { buildTargetFlags, importChangeFlags, runFlags } from './flags.js';
import type { ContainerRuntime, ImageBuilder, ImageInfo } from './types.js';

const hint = 'keelson uses docker only when `docker info` answers; start the daemon or set KEELSON_BUILDER=podman';

/** docker (buildx) as image builder and container runtime; used only when a daemon answers. */
export function dockerBuilder(exec: Exec): ImageBuilder & ContainerRuntime {
  const tool = toolCommand(exec, { program: 'docker', hint });
  const docker = tool.run;

  return {
    kind: 'docker',
    async build({ onLine, ...request }) {
      await docker('docker buildx build', ['buildx', 'build', '--load', '--progress', 'plain', ...buildTargetFlags(request)], onLine);
    },
    async exists(ref) {
      return (await tool.probe(['image', 'inspect', ref])).ok;
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
    async run({ name, image, args, ...flags }) {
      await docker('docker run', [
        'run', '--detach', '--name', name, '--network', 'host',
        '--read-only', '--tmpfs', '/tmp',
        ...runFlags(flags),
        image,
        ...args,
      ]);
    },
    ...containerQueries(tool),
    async remove(name) {
      const result = await tool.probe(['rm', '--force', name]);
      if (!result.ok && !/no such container/i.test(result.stderr)) tool.ensureOk('docker rm', ['rm', '--force', name], result);
    },
  };
}

/** Reads the fields keelson needs from `docker image inspect` JSON (digest: the image id, as docker has no local manifest). */
function parseDockerInspect(json: string): ImageInfo {
  const [image] = JSON.parse(json) as Array<{ Id: string; Size: number; Config?: { Healthcheck?: { Test?: string[] } } }>;
  if (!image) throw new Error('docker image inspect returned no image');
  return { id: image.Id, digest: image.Id, sizeBytes: image.Size, healthcheck: image.Config?.Healthcheck?.Test };
}
