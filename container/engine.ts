import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * How podman and buildah are invoked here. Both share `containers-storage`, so an image that
 * buildah built is one podman can run, provided they agree on the storage driver.
 */
export interface EngineSettings {
  /** `--storage-driver` for podman/buildah; vfs works everywhere (nested containers, no fuse-overlayfs). */
  storageDriver: string | undefined;
  /** OCI runtime for `podman run`; runc, because crun cannot set up cgroups in nested containers. */
  ociRuntime: string | undefined;
  /** Path of the `containers.conf` to export as `CONTAINERS_CONF` (unless the user set one). */
  containersConf: string | undefined;
  /**
   * Keep a cached layer per Dockerfile instruction. Off with vfs: there every layer is a full copy
   * of the root filesystem (a 15-instruction build wrote 18 GB); on elsewhere.
   */
  layers: boolean;
}

/** `containers.conf` that drops the default ulimits, which runc cannot apply inside an unprivileged sandbox. */
const containersConfText = '[containers]\ndefault_ulimits = []\n';

/**
 * Reads the settings from the environment: `KEELSON_STORAGE_DRIVER` (default `vfs`; empty string:
 * podman's own default), `KEELSON_OCI_RUNTIME` (default: the runc found on PATH), `CONTAINERS_CONF`,
 * `KEELSON_BUILD_LAYERS` (`true`/`false`; default: false with vfs).
 */
export function engineSettings(
  env: NodeJS.ProcessEnv,
  found: { runc: string | undefined; defaultConf: string },
): EngineSettings {
  const driver = env.KEELSON_STORAGE_DRIVER ?? 'vfs';
  const runtime = env.KEELSON_OCI_RUNTIME ?? found.runc;
  return {
    storageDriver: driver === '' ? undefined : driver,
    ociRuntime: runtime === '' ? undefined : runtime,
    containersConf: env.CONTAINERS_CONF ?? found.defaultConf,
    layers: env.KEELSON_BUILD_LAYERS ? env.KEELSON_BUILD_LAYERS === 'true' : driver !== 'vfs',
  };
}

/** Global flags placed before the podman/buildah subcommand. */
export function storageArgs(settings: EngineSettings): string[] {
  return settings.storageDriver ? ['--storage-driver', settings.storageDriver] : [];
}

/** Environment added to every podman/buildah invocation. */
export function engineEnv(settings: EngineSettings): Record<string, string> {
  return settings.containersConf ? { CONTAINERS_CONF: settings.containersConf } : {};
}

/** Writes keelson's `containers.conf` unless it is already there with the right content (idempotent). */
export function ensureContainersConf(path: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === containersConfText) return;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, containersConfText);
}
