import { describe, expect, it } from 'vitest';
import { initialState, transition, type RolloutEvent, type RolloutState, type VerdictSummary } from '../../rollout/machine.js';
import { parseRolloutPolicy } from '../../rollout/policy.js';

const policy = parseRolloutPolicy({ steps: [5, 25, 50], interval: '10s', minStepRequests: 20, readyTimeout: '60s', analysisTimeout: '5m' });
const cont: VerdictSummary = { decision: 'continue', reasons: ['no decision yet'] };
const promote: VerdictSummary = { decision: 'promote', reasons: ['canary within tolerance'] };

function run(events: RolloutEvent[], start: RolloutState = initialState(0)) {
  let state = start;
  const actions = [];
  for (const event of events) {
    const next = transition(state, event, policy);
    state = next.state;
    actions.push(...next.actions);
  }
  return { state, actions };
}

const ready: RolloutEvent = { kind: 'arms-ready', now: 1_000, canaryRequests: 0 };

describe('rollout state machine', () => {
  it('shifts to the first step once both arms are ready, baseline and canary sharing equally', () => {
    const { state, actions } = run([ready]);
    expect(state.phase).toBe('analysing');
    expect(actions).toEqual([{ kind: 'set-weights', step: 0, weights: { stable: 90, baseline: 5, canary: 5 } }]);
  });

  it('rolls back when the arms are not ready within readyTimeout, naming the arm', () => {
    const { state, actions } = run([{ kind: 'tick', now: 59_000, canaryRequests: 0, verdict: null }, { kind: 'tick', now: 60_000, canaryRequests: 0, verdict: null, notReady: ['canary penguins:6'] }]);
    expect(state.phase).toBe('rolled-back');
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ kind: 'rollback' });
    expect(state.reason).toContain('canary penguins:6 not ready within 1m');
  });

  it('holds a step until both its interval and its minimum requests have passed', () => {
    const early = run([ready, { kind: 'tick', now: 11_000, canaryRequests: 19, verdict: cont }]);
    expect(early.actions).toHaveLength(1);
    expect(early.state.step).toBe(0);
    const later = run([{ kind: 'tick', now: 12_000, canaryRequests: 20, verdict: cont }], early.state);
    expect(later.actions).toEqual([{ kind: 'set-weights', step: 1, weights: { stable: 50, baseline: 25, canary: 25 } }]);
  });

  it('promotes only on the last step, with a promote verdict', () => {
    const events: RolloutEvent[] = [
      ready,
      { kind: 'tick', now: 11_000, canaryRequests: 30, verdict: promote },
      { kind: 'tick', now: 21_000, canaryRequests: 60, verdict: promote },
      { kind: 'tick', now: 31_000, canaryRequests: 90, verdict: cont },
    ];
    const held = run(events);
    expect(held.state.step).toBe(2);
    expect(held.state.phase).toBe('analysing');
    const done = run([{ kind: 'tick', now: 41_000, canaryRequests: 120, verdict: promote }], held.state);
    expect(done.state.phase).toBe('promoted');
    expect(done.actions).toEqual([{ kind: 'promote', reason: 'canary analysis: canary within tolerance' }]);
  });

  it('rolls back at once on a rollback verdict, with the judge\'s reasons', () => {
    const { state, actions } = run([ready, { kind: 'tick', now: 5_000, canaryRequests: 3, verdict: { decision: 'rollback', reasons: ['canary p50 latency +40%'] } }]);
    expect(state.phase).toBe('rolled-back');
    expect(actions.at(-1)).toEqual({ kind: 'rollback', reason: 'canary analysis: canary p50 latency +40%' });
  });

  it('does not shift more traffic while the metric source gives no data, and never promotes without it', () => {
    let { state } = run([ready]);
    for (let now = 11_000; now < 300_000; now += 10_000) {
      const next = transition(state, { kind: 'tick', now, canaryRequests: now, verdict: null }, policy);
      expect(next.actions).toEqual([]);
      state = next.state;
    }
    const end = transition(state, { kind: 'tick', now: 301_000, canaryRequests: 999_999, verdict: null }, policy);
    expect(state.step).toBe(0);
    expect(end.state.phase).toBe('rolled-back');
    expect(end.state.reason).toContain('no data');
  });

  it('holds the weights while the source answers without data, whatever the judge says', () => {
    const { state } = run([ready, { kind: 'tick', now: 30_000, canaryRequests: 500, verdict: cont, noData: true }]);
    expect(state.step).toBe(0);
    const next = transition(state, { kind: 'tick', now: 40_000, canaryRequests: 600, verdict: cont }, policy);
    expect(next.actions).toEqual([{ kind: 'set-weights', step: 1, weights: { stable: 50, baseline: 25, canary: 25 } }]);
  });

  it('rolls back at the end of the analysis window without a promote verdict', () => {
    const events: RolloutEvent[] = [ready];
    for (let i = 1; i <= 30; i++) events.push({ kind: 'tick', now: 1_000 + i * 10_000, canaryRequests: i * 100, verdict: cont });
    const { state, actions } = run(events);
    expect(state.phase).toBe('rolled-back');
    expect(actions.at(-1)).toMatchObject({ kind: 'rollback' });
    expect(state.reason).toContain('without a promote verdict');
  });

  it('rolls back when an arm is lost, and ignores events after the end', () => {
    const lost = run([ready, { kind: 'arm-failed', now: 2_000, reason: 'the canary instance exited' }]);
    expect(lost.state.phase).toBe('rolled-back');
    expect(transition(lost.state, { kind: 'tick', now: 99_000, canaryRequests: 1_000, verdict: promote }, policy).actions).toEqual([]);
  });

  it('says when an interval brings no canary requests, and what to do, in every idle interval', () => {
    const first = run([ready, { kind: 'tick', now: 11_000, canaryRequests: 0, verdict: cont }]);
    expect(first.actions.at(-1)).toEqual({
      kind: 'warn',
      message:
        'no requests reached the canary in the last 10s (0 of 20 for step 1, minStepRequests): is traffic running? start some with `keelson traffic --duration 5m`; the analysis window ends in 4m50s and rolls back without enough requests',
    });
    const second = transition(first.state, { kind: 'tick', now: 21_000, canaryRequests: 0, verdict: cont }, policy);
    expect(second.actions).toEqual([{ kind: 'warn', message: expect.stringContaining('no requests reached the canary in the last 20s (0 of 20') }]);
    const flowing = transition(second.state, { kind: 'tick', now: 31_000, canaryRequests: 5, verdict: cont }, policy);
    expect(flowing.actions).toEqual([]);
    expect(flowing.state.idleSince).toBeNull();
  });

  it('warns about a stall that starts after traffic flowed, and names it when the window ends', () => {
    const { state, actions } = run([ready, { kind: 'tick', now: 11_000, canaryRequests: 8, verdict: cont }, { kind: 'tick', now: 21_000, canaryRequests: 8, verdict: cont }]);
    expect(actions.filter((a) => a.kind === 'warn')).toEqual([{ kind: 'warn', message: expect.stringContaining('in the last 10s (8 of 20 for step 1') }]);
    const end = transition(state, { kind: 'tick', now: 301_000, canaryRequests: 8, verdict: cont }, policy);
    expect(end.state).toMatchObject({ phase: 'rolled-back', decidedBy: 'judge' });
    expect(end.state.reason).toContain('with 8 of 20 canary requests (minStepRequests); not enough exposure to promote; no requests reached the canary in the last 4m50s (was traffic running?)');
  });

  it('records who decided: the judge, the platform, the controller or a person', () => {
    const verdict = run([ready, { kind: 'tick', now: 5_000, canaryRequests: 3, verdict: { decision: 'rollback', reasons: ['slow'] } }]);
    expect(verdict.state.decidedBy).toBe('judge');
    expect(run([ready, { kind: 'arm-failed', now: 2_000, reason: 'the canary instance exited' }]).state.decidedBy).toBe('platform');
    expect(run([{ kind: 'tick', now: 60_000, canaryRequests: 0, verdict: null }]).state.decidedBy).toBe('platform');
    expect(run([ready, { kind: 'abort', now: 2_000, reason: 'interrupted' }]).state.decidedBy).toBe('controller');
    expect(run([ready, { kind: 'ended-elsewhere', outcome: 'rolled-back', reason: 'by hand' }]).state.decidedBy).toBe('person');
    expect(run([ready, { kind: 'ended-elsewhere', outcome: 'rolled-back', reason: 'orphan', by: 'platform' }]).state.decidedBy).toBe('platform');
  });

  it('takes an outcome decided elsewhere (manual promote) without acting again', () => {
    const { state, actions } = run([ready, { kind: 'ended-elsewhere', outcome: 'promoted', reason: 'promoted manually' }]);
    expect(state).toMatchObject({ phase: 'promoted', reason: 'promoted manually' });
    expect(actions).toHaveLength(1);
  });

  it('rolls back when the platform refuses the promotion it decided, and takes a faster person\'s end over its own', () => {
    const tick = (now: number, canaryRequests: number): RolloutEvent => ({ kind: 'tick', now, canaryRequests, verdict: promote });
    const promoted = run([ready, tick(11_000, 30), tick(21_000, 60), tick(31_000, 90), tick(41_000, 120)]);
    expect(promoted.state.phase).toBe('promoted');
    const refused = transition(promoted.state, { kind: 'promotion-refused', reason: 'the canary instance is gone' }, policy);
    expect(refused.state).toMatchObject({ phase: 'rolled-back', reason: 'promotion refused: the canary instance is gone', decidedBy: 'platform' });
    expect(refused.actions).toEqual([{ kind: 'rollback', reason: 'promotion refused: the canary instance is gone' }]);
    // Only a promotion of ours can be refused.
    expect(transition(refused.state, { kind: 'promotion-refused', reason: 'again' }, policy).actions).toEqual([]);
    const overtaken = transition(promoted.state, { kind: 'ended-elsewhere', outcome: 'rolled-back', reason: 'by hand' }, policy);
    expect(overtaken).toEqual({ state: expect.objectContaining({ phase: 'rolled-back', reason: 'by hand', decidedBy: 'person' }), actions: [] });
  });
});
