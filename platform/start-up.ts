/** Start-up steps of the platform: the instance runtime, the control API's port, the first stable instances. */
import { serve, type ServerType } from '@hono/node-server';
import { HTTP_TIMEOUTS, serverTimeoutOptions } from '../service/src/server/http-timeouts.js';
import { createProcessRuntime } from './instances/process-runtime.js';
import type { InstanceRuntime } from './instances/runtime.js';
import { instanceLogPath, type KeelsonPaths } from '../contract/keelson-paths.js';
import type { PlatformState } from './state.js';
import type { StateStore } from './store.js';
import type { Supervisor } from './supervisor.js';
import { keepStableReplicas } from './upkeep.js';

/** `process` (the default) runs `keelson serve` processes; `container` runs the service image. */
export async function resolveRuntime(runtime: 'process' | 'container' | InstanceRuntime | undefined, image: string | undefined): Promise<InstanceRuntime> {
  if (runtime === undefined || runtime === 'process') return createProcessRuntime();
  if (runtime === 'container') {
    const { createContainerRuntime } = await import('./instances/container-runtime.js');
    return createContainerRuntime(image ? { image } : {});
  }
  return runtime;
}

/** Listens on the previous run's control port when free (a rollout controller that outlived it reconnects), else any. */
export async function listenControl(fetchHandler: Parameters<typeof serve>[0]['fetch'], previous: PlatformState | null): Promise<ServerType> {
  const attempt = (p: number) =>
    new Promise<ServerType>((resolve, reject) => {
      const server = serve({ fetch: fetchHandler, hostname: '127.0.0.1', port: p, serverOptions: serverTimeoutOptions(HTTP_TIMEOUTS) }, () => resolve(server));
      server.once('error', reject);
    });
  const port = previous?.platform ? Number(new URL(previous.platform.controlUrl).port) : 0;
  if (port === 0) return attempt(0);
  return attempt(port).catch(() => attempt(0));
}

export interface StableStartOptions {
  replicas: number;
  readyTimeoutMs: number;
  paths: KeelsonPaths;
  signal?: AbortSignal | undefined;
}

/** How starting the stable instances ended; anything but `ready` stops the platform. */
export type StableStart = { kind: 'ready' } | { kind: 'aborted' } | { kind: 'not-ready'; message: string };

/** Starts the stable instances that are missing (none when all were adopted) and waits until they are ready. */
export async function startStable(supervisor: Supervisor, store: StateStore, options: StableStartOptions): Promise<StableStart> {
  const started = await keepStableReplicas(supervisor, store, options.replicas);
  const ready = await Promise.all(started.map((r) => supervisor.waitReady(r.name, options.readyTimeoutMs, options.signal)));
  if (options.signal?.aborted) return { kind: 'aborted' };
  const notReady = ready.find((r) => r?.status !== 'ready');
  const serving = store.get().instances.some((i) => i.role === 'stable' && i.status === 'ready');
  if (!notReady && serving) return { kind: 'ready' };
  const name = notReady?.name ?? started[0]?.name ?? 'stable';
  const { model, stable } = store.get();
  const message = `stable instance ${name} (${model}:${stable.version}) was not ready within ${options.readyTimeoutMs} ms: ${notReady?.detail ?? 'still starting'}; see ${instanceLogPath(options.paths, name)}`;
  return { kind: 'not-ready', message };
}
