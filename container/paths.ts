import { join, resolve } from 'node:path';

/** Files the container path keeps under `.keelson/` (`KEELSON_HOME` overrides the directory). */
export interface ContainerPaths {
  root: string;
  /** Build and push records: `name@sha256:digest` per image. */
  images: string;
  /** The `containers.conf` handed to podman/buildah through `CONTAINERS_CONF`. */
  containersConf: string;
}

/** Resolves the container path's files. */
export function containerPaths(root = process.env.KEELSON_HOME ?? '.keelson'): ContainerPaths {
  const abs = resolve(root);
  return { root: abs, images: join(abs, 'images.json'), containersConf: join(abs, 'containers.conf') };
}

/**
 * Where `keelson build --models DIR` stages the models inside the build context (relative to it):
 * COPY can only read the context, and `.dockerignore` lets exactly this directory of `.keelson/` through.
 */
export const stagedModelsDir = '.keelson/build/models';
