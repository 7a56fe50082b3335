import type { Reporter } from '../steps/reporter.js';
import { buildahBuilder } from './builders/buildah.js';
import { dockerBuilder } from './builders/docker.js';
import { podmanBuilder } from './builders/podman.js';
import type { BuilderKind, ContainerRuntime, ImageBuilder } from './builders/types.js';
import { detectBuilder, findOnPath, onPath, systemProbe, type BuilderProbe } from './detect.js';
import { engineSettings, ensureContainersConf, type EngineSettings } from './engine.js';
import { ContainerError, ToolMissingError } from './errors.js';
import type { Exec } from '../steps/exec.js';
import { keelsonPaths } from '../contract/keelson-paths.js';

/** The wiring every container command needs: how to run programs, where files go, how engines are invoked. */
export interface ContainerEnv {
  exec: Exec;
  reporter: Reporter;
  settings: EngineSettings;
  probe: BuilderProbe;
}

/** Builds the environment from the process environment, writing keelson's `containers.conf` if needed. */
export function containerEnv(exec: Exec, reporter: Reporter, env: NodeJS.ProcessEnv = process.env): ContainerEnv {
  const paths = keelsonPaths();
  const settings = engineSettings(env, { runc: findOnPath('runc'), defaultConf: paths.containersConf });
  if (settings.containersConf === paths.containersConf) ensureContainersConf(paths.containersConf);
  return { exec, reporter, settings, probe: systemProbe(exec) };
}

/** The builder adapter for a kind. */
function builderFor(kind: BuilderKind, { exec, settings }: Pick<ContainerEnv, 'exec' | 'settings'>): ImageBuilder {
  switch (kind) {
    case 'docker':
      return dockerBuilder(exec);
    case 'podman':
      return podmanBuilder(exec, settings);
    case 'buildah':
      return buildahBuilder(exec, settings);
  }
}

/** Detects the builder (`--builder` / `KEELSON_BUILDER` force one) and reports the choice. */
export async function openBuilder(ctx: ContainerEnv, forced = process.env.KEELSON_BUILDER || undefined): Promise<ImageBuilder> {
  const detection = await detectBuilder(ctx.probe, forced);
  if (detection.kind === 'none') {
    throw new ContainerError(`no container image builder is usable (${detection.notes.join('; ')})`,
      'install podman or buildah (Debian: apt-get install podman buildah runc), or start a docker daemon with buildx');
  }
  ctx.reporter.emit({ kind: 'note', level: 'info', message: `builder: ${detection.builder} (${detection.notes.join('; ')})` });
  return builderFor(detection.builder, ctx);
}

/**
 * The runtime that can run images of `builder`: docker runs what docker built; podman runs what
 * podman or buildah built (they share `containers-storage`).
 */
export function runtimeFor(
  builder: BuilderKind,
  ctx: Pick<ContainerEnv, 'exec' | 'settings'>,
): ContainerRuntime & Pick<ImageBuilder, 'inspect'> {
  if (builder === 'docker') return dockerBuilder(ctx.exec);
  if (!onPath('podman')) {
    throw new ToolMissingError('podman', 'buildah builds images but cannot run them: install podman (apt-get install podman runc)');
  }
  return podmanBuilder(ctx.exec, ctx.settings);
}
