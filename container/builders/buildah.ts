import { engineEnv, storageArgs, type EngineSettings } from '../engine.js';
import type { Exec } from '../../steps/exec.js';
import { toolCommand } from './command.js';
import { buildTargetFlags, sandboxBuildFlags } from './flags.js';
import type { ImageBuilder, ImageInfo } from './types.js';

const hint = 'buildah runs as root here with --storage-driver vfs and --isolation chroot; see docs/delivery.md';

/** buildah as image builder (it shares `containers-storage` with podman, which runs what it builds). */
export function buildahBuilder(exec: Exec, settings: EngineSettings): ImageBuilder {
  const tool = toolCommand(exec, { program: 'buildah', globalArgs: storageArgs(settings), env: engineEnv(settings), hint });
  const buildah = tool.run;

  return {
    kind: 'buildah',
    async build({ onLine, ...request }) {
      await buildah('buildah build', ['build', ...sandboxBuildFlags(settings, 'false'), ...buildTargetFlags(request)], onLine);
    },
    async exists(ref) {
      return (await tool.probe(['inspect', '--type', 'image', ref])).ok;
    },
    async inspect(ref) {
      const result = await buildah('buildah inspect', ['inspect', '--type', 'image', ref]);
      return parseBuildahInspect(result.stdout);
    },
    async importRootfs({ tarball, ref, env: imageEnv, cmd, labels }) {
      // buildah has no `import`: start from scratch, unpack the archive, configure, commit.
      const from = await buildah('buildah from', ['from', 'scratch']);
      const container = from.stdout.trim();
      try {
        await buildah('buildah add', ['add', container, tarball, '/']);
        await buildah('buildah config', [
          'config',
          ...Object.entries(imageEnv).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
          ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
          '--cmd', JSON.stringify(cmd),
          container,
        ]);
        await buildah('buildah commit', ['commit', '--format', 'docker', container, ref]);
      } finally {
        await tool.probe(['rm', container]);
      }
    },
    async push({ source, destination, tlsVerify, onLine }) {
      await buildah('buildah push', ['push', `--tls-verify=${tlsVerify}`, source, `docker://${destination}`], onLine);
    },
  };
}

/** Reads the fields keelson needs from `buildah inspect --type image` JSON. */
export function parseBuildahInspect(json: string): ImageInfo {
  const image = JSON.parse(json) as {
    FromImageID: string;
    FromImageDigest?: string;
    Manifest: string;
    Docker?: { config?: { Healthcheck?: { Test?: string[] } } };
  };
  const manifest = JSON.parse(image.Manifest) as { layers?: Array<{ size: number }> };
  return {
    id: image.FromImageID,
    digest: image.FromImageDigest || `sha256:${image.FromImageID}`,
    // vfs stores layers uncompressed, so the manifest's layer sizes add up to the image size.
    sizeBytes: (manifest.layers ?? []).reduce((sum, layer) => sum + layer.size, 0),
    healthcheck: image.Docker?.config?.Healthcheck?.Test,
  };
}
