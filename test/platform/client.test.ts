import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { PlatformClient } from '../../platform/client.js';
import { createControlApi } from '../../platform/control-api.js';
import { PlatformControl } from '../../platform/control.js';
import { ensureControlToken } from '../../platform/control-token.js';
import { PlatformNotFound, PlatformUnavailable, PlatformUnreachable } from '../../platform/errors.js';
import { freePort } from '../../steps/ports.js';
import { backoffMs, transientFailure } from '../../platform/retry.js';
import { ALL_STABLE, type Variant } from '../../contract/variants.js';
import type { InstanceRecord, PlatformState } from '../../platform/state.js';
import { StateStore } from '../../platform/store.js';
import type { Supervisor } from '../../platform/supervisor.js';
import { startFlakyProxy, type FlakyProxy } from './flaky-proxy.js';

/** The real control API over real HTTP, with a supervisor that only records what it was asked to do. */
async function startControlApi() {
  const root = mkdtempSync(join(tmpdir(), 'keelson-client-'));
  mkdirSync(join(root, 'models', 'penguins', '2'), { recursive: true });
  writeFileSync(join(root, 'models', 'penguins', '2', 'model.json'), '{}');
  const initial: PlatformState = {
    schema: 1,
    platform: null,
    model: 'penguins',
    stable: { version: '1' },
    canary: null,
    weights: { ...ALL_STABLE },
    instances: [],
    rollout: null,
    lastRollout: null,
    history: [],
  };
  const store = new StateStore(join(root, 'state.json'), initial);
  const calls = { start: 0, stop: [] as string[] };
  const supervisor = {
    async start(role: Variant, model: string, version: string): Promise<InstanceRecord> {
      calls.start++;
      const record: InstanceRecord = { name: `${model}-${version}-${role}-${calls.start}`, role, model, version, url: 'http://127.0.0.1:1', pid: null, runtime: 'process', status: 'ready', startedAt: new Date().toISOString() };
      store.update((s) => ({ ...s, instances: [...s.instances, record] }));
      return record;
    },
    async stop(name: string): Promise<void> {
      calls.stop.push(name);
      store.update((s) => ({ ...s, instances: s.instances.filter((i) => i.name !== name) }));
    },
    find: (name: string) => store.get().instances.find((i) => i.name === name),
  } as unknown as Supervisor;
  const zero = { stable: 0, baseline: 0, canary: 0 };
  // Cast: the traffic counter's signature is another change's business; this test needs none.
  const traffic = (() => zero) as unknown as ConstructorParameters<typeof PlatformControl>[2];
  const tokenFile = join(root, 'control-token');
  const app = createControlApi(new PlatformControl(store, supervisor, traffic, join(root, 'models')), { token: ensureControlToken(tokenFile), tokenFile, onShutdown: () => {} });
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
  });
  return { store, calls, tokenFile, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function flakyPlatform(): Promise<{ api: Awaited<ReturnType<typeof startControlApi>>; proxy: FlakyProxy }> {
  const api = await startControlApi();
  const proxy = await startFlakyProxy(api.url);
  cleanups.push(proxy.close, api.close);
  return { api, proxy };
}

const history = (store: StateStore, kind: string) => store.get().history.filter((h) => h.kind === kind);

describe('PlatformClient over a flaky connection', { timeout: 20_000 }, () => {
  it('retries requests whose connection is reset before they reach the platform', async () => {
    const { api, proxy } = await flakyPlatform();
    const client = new PlatformClient(proxy.url, { unreachableAfterMs: 10_000, tokenFile: api.tokenFile });
    proxy.resetNext(3, 'request');
    const view = await client.view();
    expect(view.state.model).toBe('penguins');
    expect(proxy.resets).toBe(3);
  });

  it('has each control call take effect once when its answer is lost after the platform acted', async () => {
    const { api, proxy } = await flakyPlatform();
    const client = new PlatformClient(proxy.url, { unreachableAfterMs: 10_000, tokenFile: api.tokenFile });
    const lose = () => proxy.resetNext(1, 'response');

    lose();
    const canary = await client.startInstance('canary', '2');
    lose();
    const baseline = await client.startInstance('baseline', '1');
    expect(api.calls.start).toBe(2);
    expect(api.store.get().instances.map((i) => i.name)).toEqual([canary.name, baseline.name]);

    lose();
    await client.stopInstance(baseline.name, 'not needed');
    expect(api.calls.stop).toEqual([baseline.name]);

    lose();
    const claim = { id: 'r1', model: 'penguins', toVersion: '2', ownerPid: process.pid, stepCount: 2 };
    expect((await client.beginRollout(claim)).record).toMatchObject({ id: 'r1', fromVersion: '1', toVersion: '2' });
    expect(history(api.store, 'rollout-started')).toHaveLength(1);

    lose();
    await client.setWeights({ stable: 80, baseline: 10, canary: 10 });
    lose();
    await client.updateRollout('r1', { phase: 'analysing', step: 0 });
    lose();
    const end = await client.finish('r1', 'promote', 'canary analysis: within tolerance');
    expect(end).toMatchObject({ id: 'r1', outcome: 'promoted', reason: 'canary analysis: within tolerance' });
    expect(history(api.store, 'promoted')).toHaveLength(1);
    expect(api.store.get()).toMatchObject({ stable: { version: '2' }, rollout: null, weights: ALL_STABLE });
    expect(proxy.resets).toBe(7);

    // A different outcome for an ended rollout is still refused: only a repeat of the same request is answered.
    await expect(client.finish('r1', 'rollback', 'too late')).rejects.toBeInstanceOf(PlatformNotFound);
  });

  it('ends a rollout started with `current` once, even when the answer is lost', async () => {
    const { api, proxy } = await flakyPlatform();
    const client = new PlatformClient(proxy.url, { unreachableAfterMs: 10_000, tokenFile: api.tokenFile });
    await client.startInstance('canary', '2');
    await client.beginRollout({ id: 'r2', model: 'penguins', toVersion: '2', ownerPid: process.pid, stepCount: 2 });
    proxy.resetNext(1, 'response');
    expect(await client.finish(undefined, 'rollback', 'rolled back by hand')).toMatchObject({ id: 'r2', outcome: 'rolled-back', reason: 'rolled back by hand' });
    expect(history(api.store, 'rolled-back')).toHaveLength(1);
  });

  it('gives up after unreachableAfterMs with a typed error saying how long and what it last saw', async () => {
    const { api, proxy } = await flakyPlatform();
    const client = new PlatformClient(proxy.url, { unreachableAfterMs: 800, tokenFile: api.tokenFile });
    await client.startInstance('canary', '2');
    await client.beginRollout({ id: 'r3', model: 'penguins', toVersion: '2', ownerPid: process.pid, stepCount: 2 });
    await client.setWeights({ stable: 90, baseline: 5, canary: 5 });
    await client.updateRollout('r3', { phase: 'analysing', step: 0 });
    await client.view();
    proxy.breakFor(60_000);
    const started = Date.now();
    const error = await client.view().catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(PlatformUnreachable);
    expect(error).toBeInstanceOf(PlatformUnavailable);
    expect((error as Error).message).toMatch(
      /^platform unreachable for \d+ ms \(control API http:\/\/127\.0\.0\.1:\d+, \d+ attempts, last: [^)]*(ECONNRESET|other side closed)[^)]*\); weights last seen stable 90% baseline 5% canary 5% at \d\d:\d\d:\d\d UTC \(rollout r3 at step 1 of 2\); run `keelson status`$/,
    );
  });

  it('says it never got an answer when the platform refused from the start', async () => {
    const port = await freePort();
    const client = new PlatformClient(`http://127.0.0.1:${port}`, { unreachableAfterMs: 1_500 });
    const error = await client.view().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformUnreachable);
    expect((error as Error).message).toMatch(/^platform unreachable for [12] s \(.*ECONNREFUSED.*\); no answer from it since this client started; run `keelson status`$/);
  });
});

describe('retry decisions', () => {
  it('retries connection failures and attempt timeouts, nothing else', () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    const closed = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(transientFailure(reset, 10_000)).toBe('read ECONNRESET');
    expect(transientFailure(closed, 10_000)).toBe('other side closed');
    expect(transientFailure(new DOMException('timed out', 'TimeoutError'), 10_000)).toBe('no answer within 10000 ms');
    expect(transientFailure(new TypeError('fetch failed', { cause: new Error('bad port') }), 10_000)).toBeNull();
    expect(transientFailure(new Error('platform error: boom'), 10_000)).toBeNull();
  });

  it('backs off exponentially up to a cap, jittered in the upper half', () => {
    const low = (attempt: number) => backoffMs(attempt, { baseMs: 100, maxMs: 2_000 }, () => 0);
    const high = (attempt: number) => backoffMs(attempt, { baseMs: 100, maxMs: 2_000 }, () => 1);
    expect([1, 2, 3, 4, 5, 6, 10].map(high)).toEqual([100, 200, 400, 800, 1_600, 2_000, 2_000]);
    expect([1, 2, 10].map(low)).toEqual([50, 100, 1_000]);
  });
});
