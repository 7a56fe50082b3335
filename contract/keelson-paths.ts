/**
 * The `.keelson/` directory (`KEELSON_HOME` overrides it): every file keelson keeps beside the repository, resolved
 * here only, so the platform, the GitOps agent, the rollout controller and the container path agree on it.
 */
import { join, resolve } from 'node:path';

/** Absolute paths of everything under `.keelson/`. */
export interface KeelsonPaths {
  root: string;
  /** The local platform's state (written only by the platform process). */
  state: string;
  /** The control API's bearer token (mode 600, made by the platform at its first start, kept across restarts). */
  controlToken: string;
  /** One ndjson log file per instance, plus the platform's and the router's. */
  logs: string;
  /** The Prometheus configuration that scrapes the local platform. */
  prometheus: string;
  /** Where the running router process listens (written by that process once it serves). */
  router: string;
  /** The GitOps agent's status: what it tried, what succeeded, what is live. */
  gitopsStatus: string;
  /** The GitOps agent's bare mirror of a repository it watches by URL. */
  gitopsMirror: string;
  /** Where the GitOps agent exports a commit for its test step (one directory per commit, removed after). */
  gitopsCheckouts: string;
  /** Build and push records: `name@sha256:digest` per image. */
  images: string;
  /** One journal per rollout (`<rollout-id>.json`): the controller's looks, verdicts and milestones, kept up to date while it runs. */
  rollouts: string;
  /** The `containers.conf` handed to podman/buildah through `CONTAINERS_CONF`. */
  containersConf: string;
}

/** Resolves the layout under `root` (default: `KEELSON_HOME`, else `.keelson` in the working directory). */
export function keelsonPaths(root = process.env.KEELSON_HOME ?? '.keelson'): KeelsonPaths {
  const abs = resolve(root);
  return {
    root: abs,
    state: join(abs, 'state.json'),
    controlToken: join(abs, 'control-token'),
    logs: join(abs, 'logs'),
    prometheus: join(abs, 'prometheus'),
    router: join(abs, 'router.json'),
    gitopsStatus: join(abs, 'gitops.json'),
    gitopsMirror: join(abs, 'gitops-mirror.git'),
    gitopsCheckouts: join(abs, 'gitops'),
    images: join(abs, 'images.json'),
    rollouts: join(abs, 'rollouts'),
    containersConf: join(abs, 'containers.conf'),
  };
}

/** The ndjson log file of one instance (what Filebeat would ship). */
export function instanceLogPath(paths: Pick<KeelsonPaths, 'logs'>, instance: string): string {
  return join(paths.logs, `${instance}.ndjson`);
}

/**
 * Where `keelson build --models DIR` stages the models inside the build context (relative to it): COPY can only
 * read the context, and `.dockerignore` lets exactly this directory of `.keelson/` through.
 */
export const STAGED_MODELS_DIR = '.keelson/build/models';
