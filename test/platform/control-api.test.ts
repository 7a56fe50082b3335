import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_STABLE, type Variant } from '../../contract/variants.js';
import { createControlApi } from '../../platform/control-api.js';
import { PlatformControl } from '../../platform/control.js';
import { ensureControlToken } from '../../platform/control-token.js';
import type { InstanceRecord, PlatformState } from '../../platform/state.js';
import { StateStore } from '../../platform/store.js';
import type { Supervisor } from '../../platform/supervisor.js';

/** The control API in process (no port), over a platform whose supervisor only records what it is asked. */
function controlApi() {
  const root = mkdtempSync(join(tmpdir(), 'keelson-control-'));
  mkdirSync(join(root, 'models', 'penguins', '2'), { recursive: true });
  writeFileSync(join(root, 'models', 'penguins', '2', 'model.json'), '{}');
  const initial: PlatformState = {
    schema: 1, platform: null, model: 'penguins', stable: { version: '1' }, canary: null, weights: { ...ALL_STABLE },
    instances: [], rollout: null, lastRollout: null, history: [],
  };
  const store = new StateStore(join(root, 'state.json'), initial);
  const started: Array<{ role: Variant; version: string }> = [];
  const supervisor = {
    async start(role: Variant, model: string, version: string): Promise<InstanceRecord> {
      started.push({ role, version });
      const record: InstanceRecord = { name: `${model}-${version}-${role}`, role, model, version, url: 'http://127.0.0.1:1', pid: null, runtime: 'process', status: 'ready', startedAt: new Date().toISOString() };
      store.update((s) => ({ ...s, instances: [...s.instances, record] }));
      return record;
    },
    async stop(name: string): Promise<void> {
      store.update((s) => ({ ...s, instances: s.instances.filter((i) => i.name !== name) }));
    },
    find: (name: string) => store.get().instances.find((i) => i.name === name),
  } as unknown as Supervisor;
  const zero = { stable: 0, baseline: 0, canary: 0 };
  const traffic = (async () => zero) as ConstructorParameters<typeof PlatformControl>[2];
  const tokenFile = join(root, 'control-token');
  const token = ensureControlToken(tokenFile);
  const app = createControlApi(new PlatformControl(store, supervisor, traffic, join(root, 'models')), { token, tokenFile, onShutdown: () => {} });
  const send = async (method: string, path: string, body?: unknown) => {
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const response = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  return { store, started, send };
}

const claim = { id: 'r1', model: 'penguins', toVersion: '2', ownerPid: process.pid, stepCount: 3 };

describe('control API bodies: a wrong field is a 400 that names it, its value and what was expected', () => {
  it('checks weights, and still refuses weights that do not sum to 100', async () => {
    const { send, store } = controlApi();
    expect(await send('PUT', '/v1/weights', { stable: 'all', baseline: 0, canary: 0 })).toEqual({
      status: 400,
      body: { error: `'weights.stable' is "all": expected a percentage from 0 to 100` },
    });
    expect((await send('PUT', '/v1/weights', { stable: 90, baseline: 5, canary: 101 })).body.error).toBe(`'weights.canary' is 101: expected a percentage from 0 to 100`);
    expect((await send('PUT', '/v1/weights', { stable: 80, baseline: 5, canary: 5 })).body.error).toBe(`'weights' sum to 90: expected 100`);
    expect((await send('PUT', '/v1/weights', { stable: 90, baseline: 5, canary: 5 })).status).toBe(200);
    expect(store.get().weights).toEqual({ stable: 90, baseline: 5, canary: 5 });
  });

  it('checks an instance request and starts nothing when it is wrong', async () => {
    const { send, started } = controlApi();
    expect(await send('POST', '/v1/instances', { role: 'shadow', version: '2' })).toEqual({
      status: 400,
      body: { error: `'role' is "shadow": expected one of stable, baseline, canary` },
    });
    expect((await send('POST', '/v1/instances', { role: 'canary' })).body.error).toBe(`'version' is missing: expected a model version such as 2`);
    expect(started).toEqual([]);
    expect((await send('POST', '/v1/instances', { role: 'canary', version: 2 })).status).toBe(201);
    expect(started).toEqual([{ role: 'canary', version: '2' }]);
  });

  it('checks a rollout claim and the progress reported, keeping only the known fields', async () => {
    const { send, store } = controlApi();
    expect(await send('POST', '/v1/rollouts', { ...claim, ownerPid: 'me' })).toEqual({
      status: 400,
      body: { error: `'ownerPid' is "me": expected the process id of the rollout controller` },
    });
    expect((await send('POST', '/v1/rollouts', claim)).status).toBe(201);
    const bad = await send('PATCH', '/v1/rollouts/r1', { phase: 'analysing', step: 0, lastDecision: 'maybe' });
    expect(bad).toEqual({ status: 400, body: { error: `'lastDecision' is "maybe": expected one of continue, promote, rollback` } });
    expect((await send('PATCH', '/v1/rollouts/r1', { phase: 'analysing', step: 0, lastDecision: 'continue', id: 'hijacked' })).status).toBe(200);
    expect(store.get().rollout).toMatchObject({ id: 'r1', phase: 'analysing', step: 0, lastDecision: 'continue' });
  });

  it('takes an empty body for a person ending a rollout, and checks decidedBy when given', async () => {
    const { send, store } = controlApi();
    await send('POST', '/v1/rollouts', claim);
    expect(await send('POST', '/v1/rollouts/current/rollback', { decidedBy: 'robot' })).toEqual({
      status: 400,
      body: { error: `'decidedBy' is "robot": expected one of judge, person, platform, controller, rollback-window (absent: a person)` },
    });
    expect(store.get().rollout?.id).toBe('r1');
    const ended = await send('POST', '/v1/rollouts/current/rollback', '');
    expect(ended).toMatchObject({ status: 200, body: { id: 'r1', outcome: 'rolled-back', reason: 'rollback requested', decidedBy: 'person' } });
  });

  it('refuses a body that is not a JSON object', async () => {
    const { send } = controlApi();
    expect(await send('PUT', '/v1/weights', '{stable: 100')).toEqual({ status: 400, body: { error: 'request body is not JSON: {stable: 100' } });
    expect(await send('POST', '/v1/instances', '[1]')).toEqual({ status: 400, body: { error: 'request body is [1]: expected a JSON object' } });
  });
});
