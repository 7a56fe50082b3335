import { describe, expect, it } from 'vitest';
import { chooseStable, initialState, planAdoption } from '../../platform/recovery.js';
import type { InstanceRecord, PlatformState, RolloutRecord } from '../../platform/state.js';

const instance = (name: string, role: InstanceRecord['role'], version: string, status: InstanceRecord['status'] = 'ready'): InstanceRecord => ({
  name, role, model: 'penguins', version, url: 'http://127.0.0.1:1', pid: 1, runtime: 'process', status, startedAt: '',
});
const rollout: RolloutRecord = { id: 'r1', model: 'penguins', fromVersion: '2', toVersion: '4', ownerPid: 77, startedAt: '', updatedAt: '', phase: 'analysing', step: 0, stepCount: 2 };
const previous = (over: Partial<PlatformState> = {}): PlatformState => ({
  schema: 1, platform: null, model: 'penguins', stable: { version: '2' }, canary: null, weights: { stable: 100, baseline: 0, canary: 0 },
  instances: [instance('s', 'stable', '2')], rollout: null, lastRollout: null, history: [], ...over,
});

describe('chooseStable (what a restart serves)', () => {
  it('keeps the previous stable when git asks for another version: only analysis changes it', () => {
    expect(chooseStable(previous(), 'penguins', undefined, '4')).toEqual({ version: '2', source: 'previous', fresh: false });
  });
  it('seeds a fresh directory with the bootstrap version', () => {
    expect(chooseStable(null, 'penguins', undefined, '3')).toEqual({ version: '3', source: 'bootstrap', fresh: true });
    expect(chooseStable(previous({ model: 'iris' }), 'penguins', undefined, undefined)).toEqual({ version: '1', source: 'bootstrap', fresh: true });
  });
  it("obeys a person's version and says which stable it replaces", () => {
    expect(chooseStable(previous(), 'penguins', '4', undefined)).toEqual({ version: '4', source: 'person', fresh: false, overrides: '2' });
    expect(chooseStable(previous(), 'penguins', '2', undefined)).toEqual({ version: '2', source: 'person', fresh: false });
  });
});

describe('planAdoption', () => {
  const choice = chooseStable(previous(), 'penguins', undefined, undefined);
  it('adopts stable instances of the stable version and stops the rest', () => {
    const plan = planAdoption(previous({ instances: [instance('s', 'stable', '2'), instance('old', 'stable', '1'), instance('dead', 'stable', '2', 'failed')] }), 'penguins', choice, () => true);
    expect(plan.adopt.map((i) => i.name)).toEqual(['s']);
    expect(plan.stop.map((i) => i.name)).toEqual(['old', 'dead']);
  });
  it("adopts a rollout's arms so its end drains them; the rollout goes on only while its controller lives", () => {
    const state = previous({ rollout, instances: [instance('s', 'stable', '2'), instance('c', 'canary', '4'), instance('b', 'baseline', '2')] });
    expect(planAdoption(state, 'penguins', choice, () => true)).toMatchObject({ keepRollout: true, stop: [] });
    const orphan = planAdoption(state, 'penguins', choice, () => false);
    expect(orphan.keepRollout).toBe(false);
    expect(orphan.adopt.map((i) => i.name)).toEqual(['s', 'c', 'b']);
  });
  it('adopts nothing of another model', () => {
    expect(planAdoption(previous({ model: 'iris' }), 'penguins', chooseStable(null, 'penguins', undefined, '2'), () => true).adopt).toEqual([]);
  });
});

describe('initialState (what a restart begins with)', () => {
  const facts = { now: 'T', sha256: (version: string) => `sha-of-${version}` };
  const known = { version: '2', sha256: 'sha-of-2', since: 'earlier', how: 'promoted' as const };
  it('makes the first version of a fresh directory known good, with its sha256', () => {
    const stable = chooseStable(null, 'penguins', undefined, '3');
    expect(initialState(null, 'penguins', stable, planAdoption(null, 'penguins', stable, () => true), facts)).toMatchObject({
      stable: { version: '3' }, weights: { stable: 100, baseline: 0, canary: 0 }, rollout: null, knownGood: [{ version: '3', sha256: 'sha-of-3', how: 'bootstrap', since: 'T' }],
    });
  });
  it('keeps a rollout whose controller lives, with its weights, and carries the known-good versions and history', () => {
    const state = previous({ rollout, canary: { version: '4' }, weights: { stable: 80, baseline: 10, canary: 10 }, knownGood: [known], history: [{ at: 'x', kind: 'k', message: 'm' }] });
    const stable = chooseStable(state, 'penguins', undefined, undefined);
    const begun = initialState(state, 'penguins', stable, planAdoption(state, 'penguins', stable, () => true), facts);
    expect(begun).toMatchObject({ rollout, canary: { version: '4' }, weights: { stable: 80, baseline: 10, canary: 10 }, knownGood: [known], instances: [] });
    expect(begun.history).toHaveLength(1);
  });
  it('starts all stable, without the rollout, when its controller is gone; forgets known-good versions of another model', () => {
    const state = previous({ rollout, canary: { version: '4' }, weights: { stable: 80, baseline: 10, canary: 10 }, knownGood: [known] });
    const stable = chooseStable(state, 'penguins', undefined, undefined);
    expect(initialState(state, 'penguins', stable, planAdoption(state, 'penguins', stable, () => false), facts)).toMatchObject({ rollout: null, canary: null, weights: { stable: 100, baseline: 0, canary: 0 } });
    const other = chooseStable(state, 'iris', undefined, '1');
    expect(initialState(state, 'iris', other, planAdoption(state, 'iris', other, () => true), facts).knownGood).toEqual([{ version: '1', sha256: 'sha-of-1', how: 'bootstrap', since: 'T' }]);
  });
});
