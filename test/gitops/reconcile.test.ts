import { describe, expect, it } from 'vitest';
import { plan, rolledBackMessage, unfinishedMessage, type DesiredModel, type HeadState, type LiveState } from '../../gitops/reconcile.js';
import { initialStatus, type GitopsStatus } from '../../gitops/status.js';

const v = (version: string, sha = `sha-${version}`): DesiredModel => ({ name: 'penguins', version, sha256: sha });
const head = (commit: string, model: DesiredModel): HeadState => ({ kind: 'valid', commit, model, fingerprint: commit });
const ctx = { branch: 'main', dir: '/repo', at: '2026-01-01T00:00:00.000Z' };
const handled = (lastSeenCommit: string | null, live: LiveState | null): GitopsStatus => ({ ...initialStatus('/repo', 'main', 'local'), phase: 'idle', lastSeenCommit, live });

/** The plan for a head once the pass has looked at it: `lastSeen` is the head handled before, `live` what runs (and the commit it came from). */
const planFor = (desired: HeadState, lastSeen: string | null, live: LiveState | null) =>
  plan({ head: desired.commit, look: { desired, running: live?.model ?? null, described: desired.commit } }, handled(lastSeen, live), ctx);

describe('plan', () => {
  it('does nothing for a head it has already handled', () => {
    expect(planFor(head('a1', v('2')), 'a1', { model: v('1'), commit: 'z' })).toEqual({ kind: 'none' });
  });

  it('refuses an invalid desired state without touching what runs', () => {
    const action = planFor({ kind: 'invalid', commit: 'b2', message: 'model.version: expected a string' }, 'a1', null);
    expect(action).toMatchObject({ kind: 'refuse', commit: 'b2', message: 'model.version: expected a string' });
  });

  it('is in sync when git asks for what already runs (a revert after a rollback)', () => {
    expect(planFor(head('c3', v('2')), 'b2', { model: v('2'), commit: 'a1' }).kind).toBe('in-sync');
  });

  it('deploys a different version, and the same version with a different sha256', () => {
    expect(planFor(head('c3', v('3')), 'b2', { model: v('2'), commit: 'a1' }).kind).toBe('deploy');
    expect(planFor(head('c3', v('2', 'other')), 'b2', { model: v('2'), commit: 'a1' }).kind).toBe('deploy');
  });

  it('deploys onto an empty platform', () => {
    expect(planFor(head('a1', v('1')), null, null)).toMatchObject({ kind: 'deploy', from: null });
  });

  it('asks to look at a new head before anything is read at it, and never at a head already handled', () => {
    expect(plan({ head: 'c3' }, handled('b2', null), ctx)).toEqual({ kind: 'look', commit: 'c3' });
    expect(plan({ head: 'b2' }, handled('b2', null), ctx)).toEqual({ kind: 'none' });
    const restarted = { ...handled('b2', null), phase: 'starting' as const };
    expect(plan({ head: 'b2' }, restarted, ctx)).toEqual({ kind: 'record', status: { ...restarted, phase: 'idle' } });
  });

  it('says once that the branch is missing, and keeps the status failed', () => {
    const first = plan({ head: null }, handled('b2', null), ctx);
    expect(first).toMatchObject({ kind: 'record', log: 'gitops: branch main not found in /repo', status: { phase: 'failed', failure: { commit: '', message: 'branch main not found in /repo' } } });
    const again = plan({ head: null }, (first as { status: GitopsStatus }).status, ctx);
    expect(again).toMatchObject({ kind: 'record', status: { phase: 'failed' } });
    expect(again).not.toHaveProperty('log');
  });

  it('credits what runs to the commit that put it live only while the same model (bytes included) runs', () => {
    const deployFrom = (running: DesiredModel) =>
      plan({ head: 'c3', look: { desired: head('c3', v('3')), running, described: 'c3' } }, handled('b2', { model: v('2'), commit: 'b2' }), ctx);
    expect(deployFrom(v('2'))).toMatchObject({ kind: 'deploy', from: { commit: 'b2' }, log: 'gitops: commit c3: deploying penguins:3 (live: penguins:2)' });
    expect(deployFrom(v('2', 'rebuilt'))).toMatchObject({ kind: 'deploy', from: { commit: null } });
  });
});

describe('rolledBackMessage', () => {
  it('names the failed commit, the reason, what runs and what to revert', () => {
    const message = rolledBackMessage({
      commit: 'abc1234567',
      target: v('3'),
      reason: 'canary p50 latency +40%',
      live: { model: v('2'), commit: 'def4567890' },
    });
    expect(message).toBe(
      'commit abc1234 (penguins:3) was rolled back by canary analysis: canary p50 latency +40%; running penguins:2 from def4567; revert abc1234 to make git match',
    );
  });

  it('blames canary analysis only when the judge decided, and says "canary analysis" once', () => {
    const base = { commit: 'abc1234567', target: v('3'), live: { model: v('2'), commit: null } };
    expect(rolledBackMessage({ ...base, reason: 'canary analysis: errors +300%' })).toBe(
      'commit abc1234 (penguins:3) was rolled back by canary analysis: errors +300%; running penguins:2; revert abc1234 to make git match',
    );
    expect(rolledBackMessage({ ...base, reason: 'the canary instance exited', decidedBy: 'platform' })).toContain('was rolled back by the platform before canary analysis decided: the canary instance exited');
    expect(rolledBackMessage({ ...base, reason: 'rolled back by hand', decidedBy: 'person' })).toContain('was rolled back by a person (`keelson rollback`): rolled back by hand');
    expect(unfinishedMessage({ ...base, reason: 'platform unreachable for 30 s' })).toBe(
      'commit abc1234 (penguins:3) did not finish its rollout: platform unreachable for 30 s; running penguins:2; the agent tries abc1234 again at its next check',
    );
  });
});
