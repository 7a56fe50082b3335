import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../steps/ports.js';
import type { InstanceRuntime, RunningInstance } from './instances/runtime.js';
import { instanceLogPath, type KeelsonPaths } from '../contract/keelson-paths.js';
import type { Variant } from '../contract/variants.js';
import type { InstanceRecord } from './state.js';
import type { StateStore } from './store.js';

export interface SupervisorOptions {
  store: StateStore;
  runtime: InstanceRuntime;
  paths: KeelsonPaths;
  modelsDir: string;
  host: string;
  /** Requests in flight through the router to an instance (drained before it is stopped). */
  inFlight(name: string): Promise<number>;
  /** Resolves once the router no longer sends new requests to instances taken out of the pool. */
  routerSynced(): Promise<void>;
  drainTimeoutMs: number;
  /** Called when an instance dies without being asked to (the platform restarts stable ones). */
  onUnexpectedExit?(record: InstanceRecord): void;
  readyPollMs?: number;
}

const MAX_READY_WAIT_MS = 10 * 60_000;

/** Starts, watches and stops service instances, keeping their records in the state store. */
export class Supervisor {
  private readonly handles = new Map<string, RunningInstance>();
  private readonly stopping = new Set<string>();

  constructor(private readonly options: SupervisorOptions) {}

  /** Starts an instance; it joins the router's pool once its readiness endpoint answers 200. */
  async start(role: Variant, model: string, version: string): Promise<InstanceRecord> {
    const { store, runtime, paths, modelsDir, host } = this.options;
    const name = `${model}-${version}-${role}-${randomBytes(2).toString('hex')}`;
    const port = await freePort(connectHost(host));
    const handle = await runtime.start({
      name,
      model,
      version,
      modelsDir,
      host,
      port,
      logFile: instanceLogPath(paths, name),
      env: { KEELSON_VARIANT: role },
    });
    this.handles.set(name, handle);
    const record: InstanceRecord = {
      name,
      role,
      model,
      version,
      url: `http://${connectHost(host)}:${port}`,
      pid: handle.pid,
      runtime: runtime.kind,
      status: 'starting',
      startedAt: new Date().toISOString(),
    };
    store.update((s) => ({ ...s, instances: [...s.instances, record] }));
    store.record('instance-started', `started ${name} (${role}, ${model}:${version}) on ${record.url}`);
    void handle.exited.then((exit) => this.exited(name, exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? 'unknown'}`));
    void this.pollReady(name, record.url);
    return record;
  }

  /**
   * Takes over an instance an earlier platform run started, when it is still that process and ready with the
   * same model bytes; returns false (and leaves it alone) otherwise.
   */
  async adopt(record: InstanceRecord, sha256: string | null): Promise<boolean> {
    const { store, runtime, paths } = this.options;
    const url = new URL(record.url);
    const handle = runtime.adopt?.({
      name: record.name,
      model: record.model,
      version: record.version,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: Number(url.port),
      pid: record.pid,
      logFile: instanceLogPath(paths, record.name),
    });
    if (!handle) return false;
    const verified = await verifyServing(record.url, record.model, record.version, sha256);
    if (!verified.ok) {
      store.record('cleanup', `not adopting ${record.name} (pid ${record.pid}): ${verified.reason}`);
      return false;
    }
    this.handles.set(record.name, handle);
    store.update((s) => ({ ...s, instances: [...s.instances.filter((i) => i.name !== record.name), { ...record, status: 'ready', detail: 'adopted' }] }));
    store.record('instance-adopted', `adopted ${record.name} (${record.role}, ${record.model}:${record.version}, pid ${record.pid}): still serving, ready, sha256 ${sha256?.slice(0, 12) ?? 'unknown'}…`);
    void handle.exited.then((exit) => this.exited(record.name, exit.signal ? `was killed by ${exit.signal}` : 'exited'));
    return true;
  }

  /** Resolves with the record once ready, failed, aborted or `timeoutMs` passed (then status is still `starting`). */
  async waitReady(name: string, timeoutMs: number, signal?: AbortSignal): Promise<InstanceRecord | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = this.find(name);
      if (!record || record.status !== 'starting' || Date.now() >= deadline || signal?.aborted) return record;
      await sleep(100);
    }
  }

  /** Takes the instance out of the router, waits for its in-flight requests, then stops it gracefully. */
  async stop(name: string, reason: string): Promise<void> {
    const handle = this.handles.get(name);
    if (this.stopping.has(name)) return;
    if (!handle) {
      // Already exited (failed): only its record is left to clear.
      this.options.store.update((s) => ({ ...s, instances: s.instances.filter((i) => i.name !== name) }));
      return;
    }
    this.stopping.add(name);
    this.setStatus(name, 'draining', reason);
    const deadline = Date.now() + this.options.drainTimeoutMs;
    await this.options.routerSynced();
    while (Date.now() < deadline && (await this.options.inFlight(name).catch(() => 0)) > 0) await sleep(20);
    await handle.stop(this.options.drainTimeoutMs);
    this.handles.delete(name);
    this.options.store.update((s) => ({ ...s, instances: s.instances.filter((i) => i.name !== name) }));
    this.options.store.record('instance-stopped', `stopped ${name}: ${reason}`);
  }

  /** Stops every instance (platform shutdown). */
  async stopAll(reason: string): Promise<void> {
    await Promise.all([...this.handles.keys()].map((name) => this.stop(name, reason)));
  }

  find(name: string): InstanceRecord | undefined {
    return this.options.store.get().instances.find((i) => i.name === name);
  }

  private setStatus(name: string, status: InstanceRecord['status'], detail?: string): void {
    this.options.store.update((s) => ({
      ...s,
      instances: s.instances.map((i) => (i.name === name ? { ...i, status, ...(detail ? { detail } : {}) } : i)),
    }));
  }

  private exited(name: string, detail: string): void {
    if (this.stopping.has(name)) return;
    this.handles.delete(name);
    const record = this.find(name);
    if (!record) return;
    this.setStatus(name, 'failed', detail);
    this.options.store.record('instance-failed', `${name} (${record.role}) ${detail}`);
    this.options.onUnexpectedExit?.({ ...record, status: 'failed', detail });
  }

  private async pollReady(name: string, url: string): Promise<void> {
    const pollMs = this.options.readyPollMs ?? 200;
    const deadline = Date.now() + MAX_READY_WAIT_MS;
    while (Date.now() < deadline) {
      const record = this.find(name);
      if (!record || record.status !== 'starting') return;
      const probe = await probeReady(url);
      if (probe.ready) {
        this.setStatus(name, 'ready');
        this.options.store.record('instance-ready', `${name} is ready`);
        return;
      }
      if (probe.permanent) {
        // The service reports a model that failed to load (bad sha256...): waiting longer cannot help.
        this.setStatus(name, 'failed', `can never be ready: ${probe.error}`);
        this.options.store.record('instance-failed', `${name} can never be ready: ${probe.error}`);
        return;
      }
      await sleep(pollMs);
    }
  }
}

/**
 * Asks the readiness endpoint. The service answers 503 with `error: "not ready: <model>:<version> failed: ..."`
 * for a model that failed to load (as opposed to `loading`), which no amount of waiting fixes.
 */
async function probeReady(url: string): Promise<{ ready: boolean; permanent: boolean; error: string }> {
  try {
    const res = await fetch(`${url}/v2/health/ready`, { signal: AbortSignal.timeout(2_000) });
    const body = (await res.json().catch(() => ({}))) as { error?: unknown };
    const error = typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
    return { ready: res.ok, permanent: !res.ok && / failed: /.test(error), error };
  } catch (error) {
    return { ready: false, permanent: false, error: (error as Error).message };
  }
}

/** Whether the instance at `url` is ready and serves exactly `model:version` with the ONNX bytes of `sha256` (its `model_info` series). */
async function verifyServing(url: string, model: string, version: string, sha256: string | null): Promise<{ ok: true } | { ok: false; reason: string }> {
  const probe = await probeReady(url);
  if (!probe.ready) return { ok: false, reason: `not ready (${probe.error})` };
  if (!sha256) return { ok: false, reason: `the model repository has no ${model}:${version} to compare with` };
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text();
    const series = text.split('\n').find((l) => l.startsWith('model_info{') && l.includes(`model="${model}"`) && l.includes(`version="${version}"`));
    const served = /sha256="([0-9a-f]+)"/.exec(series ?? '')?.[1];
    if (served !== sha256) return { ok: false, reason: `serves sha256 ${served?.slice(0, 12) ?? 'unknown'}…, the repository has ${sha256.slice(0, 12)}…` };
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `its /metrics did not answer (${(error as Error).message})` };
  }
}

/** The address to connect to an instance bound on `host` (a wildcard bind is reached over loopback). */
function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host;
}
