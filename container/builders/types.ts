import type { ExecResult } from '../../steps/exec.js';

/** The image builders keelson knows, in the order it prefers them. */
export const builderKinds = ['docker', 'podman', 'buildah'] as const;
export type BuilderKind = (typeof builderKinds)[number];

export interface BuildRequest {
  contextDir: string;
  dockerfile: string;
  /** Full references to tag the result with (`localhost/keelson-service:abc1234`). */
  tags: string[];
  buildArgs: Record<string, string>;
  onLine?: (line: string) => void;
}

export interface ImportRequest {
  /** A tar archive of a root filesystem. */
  tarball: string;
  ref: string;
  env: Record<string, string>;
  cmd: string[];
  labels: Record<string, string>;
}

export interface PushRequest {
  source: string;
  /** Registry reference without transport (`127.0.0.1:5000/keelson-service:abc1234`). */
  destination: string;
  tlsVerify: boolean;
  onLine?: (line: string) => void;
}

/** What keelson needs to know about a local image. */
export interface ImageInfo {
  id: string;
  /** Manifest digest (`sha256:...`) where the builder keeps one, else the image id. */
  digest: string;
  sizeBytes: number;
  /** The HEALTHCHECK command (`CMD` or `CMD-SHELL` form), if the image has one. */
  healthcheck: string[] | undefined;
}

/** One container image builder (docker buildx, podman, buildah) behind the same interface. */
export interface ImageBuilder {
  readonly kind: BuilderKind;
  build(request: BuildRequest): Promise<void>;
  exists(ref: string): Promise<boolean>;
  inspect(ref: string): Promise<ImageInfo>;
  importRootfs(request: ImportRequest): Promise<void>;
  push(request: PushRequest): Promise<void>;
}

export interface RunRequest {
  name: string;
  image: string;
  /** Arguments after the image (they replace the image's CMD). */
  args: string[];
  env: Record<string, string>;
  labels: Record<string, string>;
  /** Host directories mounted read-only. */
  mounts?: Array<{ source: string; target: string }>;
}

/** Runs containers (podman or docker); buildah builds but does not run. */
export interface ContainerRuntime {
  readonly kind: 'docker' | 'podman';
  /** Starts a detached container with a read-only root filesystem, a tmpfs /tmp and host networking. */
  run(request: RunRequest): Promise<void>;
  isRunning(name: string): Promise<boolean>;
  logs(name: string): Promise<string>;
  exec(name: string, command: string[]): Promise<ExecResult>;
  /** Force-removes a container; succeeds when it is already gone. */
  remove(name: string): Promise<void>;
  /** Names of containers (running or not) carrying the label `key`, whatever its value. */
  listByLabel(key: string): Promise<string[]>;
}
