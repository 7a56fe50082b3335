import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ContainerRuntime } from '../../container/builders/types.js';
import { ContainerError } from '../../container/errors.js';
import { keelsonPaths } from '../../contract/keelson-paths.js';
import { latestRecord, readImageRecords } from '../../container/records.js';
import { containerEnv, runtimeFor } from '../../container/select.js';
import { zxExec } from '../../steps/exec.js';
import { isAlive } from '../state.js';
import { createLogSink } from './log-sink.js';
import type { InstanceExit, InstanceRuntime, InstanceSpec, RunningInstance } from './runtime.js';

/** Label on every container the platform starts; its value is the platform's process id. */
const PLATFORM_LABEL = 'io.keelson.platform-owner';

export interface ContainerRuntimeOptions {
  /** Image to run; default: the latest `keelson build` recorded in `.keelson/images.json`. */
  image?: string;
  /** How often a running container is checked. */
  pollMs?: number;
}

/** Environment passed through to the containers (the service's own knobs). */
const PASSED_ENV = ['KEELSON_WORKERS', 'LOG_LEVEL', 'KEELSON_INTRA_OP_THREADS', 'KEELSON_REQUEST_TIMEOUT'];

/**
 * Runs instances as containers of the service image (podman, or docker when docker built it), with host
 * networking bound to the instance's port and the model repository mounted read-only at /models.
 * Reuses the container adapters of `keelson build` / `keelson smoke`.
 */
export async function createContainerRuntime(options: ContainerRuntimeOptions = {}): Promise<InstanceRuntime> {
  const records = readImageRecords(keelsonPaths().images);
  const built = latestRecord(records, 'built');
  const image = options.image ?? process.env.KEELSON_IMAGE ?? built?.ref;
  if (!image) throw new ContainerError('no service image to run', 'build one with `keelson build`, or name one with --image / KEELSON_IMAGE');
  const ctx = containerEnv(zxExec, { emit: () => {}, close: () => {} });
  const engine = runtimeFor(built?.builder === 'docker' ? 'docker' : 'podman', ctx);
  await engine.inspect(image).catch(() => {
    throw new ContainerError(`the service image ${image} is not in local container storage`, 'build it with `keelson build` (the platform never pulls from a registry)');
  });
  for (const name of await engine.listByLabel(PLATFORM_LABEL)) {
    const owner = Number(/^keelson-(\d+)-/.exec(name)?.[1]);
    if (!isAlive(owner)) await engine.remove(name);
  }
  const pollMs = options.pollMs ?? 1_000;
  return { kind: 'container', start: (spec) => startContainer(engine, image, spec, pollMs) };
}

async function startContainer(engine: ContainerRuntime, image: string, spec: InstanceSpec, pollMs: number): Promise<RunningInstance> {
  const name = `keelson-${process.pid}-${spec.name}`;
  const env: Record<string, string> = { KEELSON_HOST: spec.host, KEELSON_PORT: String(spec.port), ...spec.env };
  for (const key of PASSED_ENV) if (process.env[key]) env[key] = process.env[key]!;
  await engine.run({
    name,
    image,
    args: ['--models', '/models', '--model', `${spec.model}:${spec.version}`],
    env,
    labels: { [PLATFORM_LABEL]: String(process.pid), 'io.keelson.instance': spec.name },
    mounts: [{ source: resolve(spec.modelsDir), target: '/models' }],
  });
  let stopping = false;
  // The container's output goes to its ndjson file when it ends (podman keeps it until then).
  const saveLogs = async (): Promise<void> => {
    const sink = createLogSink(spec.logFile, spec.name);
    sink.follow(Readable.from([await engine.logs(name).catch(() => '')]), 'info');
    await sink.close();
  };
  const exited = (async (): Promise<InstanceExit> => {
    while (!stopping && (await engine.isRunning(name))) await sleep(pollMs);
    if (!stopping) {
      await saveLogs();
      await engine.remove(name).catch(() => undefined);
    }
    return { code: null, signal: null };
  })();
  return {
    url: `http://${spec.host}:${spec.port}`,
    pid: null,
    exited,
    async stop() {
      stopping = true;
      await saveLogs();
      // `podman rm --force --time 5`: SIGTERM (the service drains), SIGKILL after 5 s.
      await engine.remove(name);
      return exited;
    },
  };
}
