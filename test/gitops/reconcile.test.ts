import { describe, expect, it } from 'vitest';
import { plan, rolledBackMessage, unfinishedMessage, type DesiredModel, type HeadState } from '../../gitops/reconcile.js';

const v = (version: string, sha = `sha-${version}`): DesiredModel => ({ name: 'penguins', version, sha256: sha });
const head = (commit: string, model: DesiredModel): HeadState => ({ kind: 'valid', commit, model, fingerprint: commit });

describe('plan', () => {
  it('does nothing for a head it has already handled', () => {
    expect(plan(head('a1', v('2')), 'a1', { model: v('1'), commit: 'z' })).toEqual({ kind: 'none' });
  });

  it('refuses an invalid desired state without touching what runs', () => {
    const action = plan({ kind: 'invalid', commit: 'b2', message: 'model.version: expected a string' }, 'a1', null);
    expect(action).toEqual({ kind: 'refuse', commit: 'b2', message: 'model.version: expected a string' });
  });

  it('is in sync when git asks for what already runs (a revert after a rollback)', () => {
    expect(plan(head('c3', v('2')), 'b2', { model: v('2'), commit: 'a1' }).kind).toBe('in-sync');
  });

  it('deploys a different version, and the same version with a different sha256', () => {
    expect(plan(head('c3', v('3')), 'b2', { model: v('2'), commit: 'a1' }).kind).toBe('deploy');
    expect(plan(head('c3', v('2', 'other')), 'b2', { model: v('2'), commit: 'a1' }).kind).toBe('deploy');
  });

  it('deploys onto an empty platform', () => {
    expect(plan(head('a1', v('1')), null, null)).toMatchObject({ kind: 'deploy', from: null });
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
