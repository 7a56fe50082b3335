import { describe, expect, it } from 'vitest';
import type { Decision, RolloutDecider } from '../../contract/decisions.js';
import type { Weights } from '../../contract/variants.js';
import type { InstanceRecord, PlatformState, RolloutEnd } from '../../platform/state.js';
import type { Clock } from '../../rollout/clock.js';
import { drive, type DriveContext } from '../../rollout/controller.js';
import { judgeFor, type ArmSnapshot, type Judge, type MetricSource } from '../../rollout/judge-port.js';
import { PlatformConflict, PlatformNotFound, type RolloutPlatform, type RolloutView } from '../../rollout/platform-port.js';
import { parseRolloutPolicy } from '../../rollout/policy.js';
import type { StepEvent } from '../../steps/index.js';

// The controller against a platform, a judge and a clock held in memory: no process, no socket, no real time.
const policy = parseRolloutPolicy({ steps: [5, 25, 50], interval: '1s', minStepRequests: 10, readyTimeout: '5s', analysisTimeout: '5s' });
const ID = 'r1';
const names = { canary: 'penguins-2-canary', baseline: 'penguins-1-baseline' };
const START = Date.parse('2026-01-01T00:00:00.000Z');
/** The arms become ready this long after the rollout starts. */
const READY_AFTER_MS = 300;

function fakeClock(): Clock {
  let t = START;
  return { now: () => t, sleep: async (ms) => void (t += ms) };
}

const instance = (name: string, role: 'canary' | 'baseline', version: string): InstanceRecord => ({
  name, role, model: 'penguins', version, url: `http://${name}`, pid: 1, runtime: 'process', status: 'starting', startedAt: new Date(START).toISOString(),
});

/** The platform in memory; `world` runs before each view (traffic arrives, an instance fails, a person acts). */
class FakePlatform implements RolloutPlatform {
  readonly weightsSet: Array<{ at: number; canaryRequests: number; weights: Weights }> = [];
  readonly finished: Array<{ action: 'promote' | 'rollback'; reason: string; decidedBy: RolloutDecider }> = [];
  answered = { stable: 0, baseline: 0, canary: 0 };
  refusePromotion: string | null = null;
  /** Runs when `finish` is called, before the platform acts on it (someone else acting at the same moment). */
  beforeFinish: () => void = () => {};
  readonly state: PlatformState = {
    schema: 1, platform: null, model: 'penguins', stable: { version: '1' }, canary: { version: '2' }, weights: { stable: 100, baseline: 0, canary: 0 },
    instances: [instance(names.canary, 'canary', '2'), instance(names.baseline, 'baseline', '1')],
    rollout: { id: ID, model: 'penguins', fromVersion: '1', toVersion: '2', ownerPid: 1, startedAt: '', updatedAt: '', phase: 'starting', step: -1, stepCount: 3 },
    lastRollout: null, history: [],
  };

  constructor(
    readonly clock: Clock,
    /** Canary requests per view (one view per poll of 100 ms) at these weights. */
    readonly canaryTraffic: (weights: Weights) => number = (w) => w.canary,
    readonly world: (platform: FakePlatform) => void = () => {},
  ) {}

  arm(role: 'canary' | 'baseline'): InstanceRecord {
    return this.state.instances.find((i) => i.role === role)!;
  }

  async view(): Promise<RolloutView> {
    if (this.clock.now() - START >= READY_AFTER_MS) for (const i of this.state.instances) if (i.status === 'starting') i.status = 'ready';
    if (this.state.rollout) this.answered.canary += this.canaryTraffic(this.state.weights);
    this.world(this);
    return structuredClone({ state: this.state, answered: this.answered });
  }

  async setWeights(weights: Weights): Promise<PlatformState> {
    this.weightsSet.push({ at: this.clock.now() - START, canaryRequests: this.answered.canary, weights });
    this.state.weights = weights;
    return this.state;
  }

  async startInstance(): Promise<InstanceRecord> {
    throw new Error('drive starts no instance');
  }

  async beginRollout(): Promise<never> {
    throw new Error('drive begins no rollout');
  }

  async updateRollout(id: string): Promise<unknown> {
    if (this.state.rollout?.id !== id) throw new PlatformNotFound(`no rollout ${id} is in progress`);
    return this.state.rollout;
  }

  async finish(id: string, action: 'promote' | 'rollback', reason: string, decidedBy: RolloutDecider): Promise<RolloutEnd> {
    this.beforeFinish();
    if (this.state.rollout?.id !== id) throw new PlatformNotFound(`no rollout ${id} is in progress`);
    this.finished.push({ action, reason, decidedBy });
    if (action === 'promote' && this.refusePromotion) throw new PlatformConflict(this.refusePromotion);
    return this.end(action === 'promote' ? 'promoted' : 'rolled-back', reason, decidedBy);
  }

  /** Ends the rollout as the platform records it; also what `keelson promote`/`rollback` by a person does. */
  end(outcome: RolloutEnd['outcome'], reason: string, decidedBy: RolloutDecider): RolloutEnd {
    const end: RolloutEnd = { id: ID, model: 'penguins', fromVersion: '1', toVersion: '2', outcome, reason, decidedBy, at: new Date(this.clock.now()).toISOString() };
    this.state.rollout = null;
    this.state.lastRollout = end;
    // Either way all traffic goes to stable: after a promotion, stable is the canary's version.
    this.state.weights = { stable: 100, baseline: 0, canary: 0 };
    return end;
  }
}

/** A judge that answers `decide(look, final)` whatever the snapshot says (the real judge has tests of its own). */
function scriptedJudge(decide: (look: number, final: boolean) => Decision, reason = 'scripted'): Judge & { looks: number } {
  const judge = {
    policy: judgeFor(undefined).policy,
    looks: 0,
    evaluate: (_snapshot: unknown, opts?: { final?: boolean }) => {
      const decision = decide(++judge.looks, opts?.final ?? false);
      return { decision, reasons: [decision === 'continue' ? 'no decision yet' : reason], metrics: [], t: 0 };
    },
  };
  return judge;
}

const arm: ArmSnapshot = { requests: 100, errors: 0, latency: { buckets: [0.01], counts: [100], count: 100 }, predictions: {} };
const source: MetricSource = { snapshot: async (t) => ({ t, baseline: arm, canary: arm }) };

async function run(platform: FakePlatform, judge: Judge, clock: Clock) {
  const events: StepEvent[] = [];
  const ctx: DriveContext = {
    id: ID, policy, platform, clock, judge, source: () => source, names,
    logOf: (name) => `.keelson/logs/${name}.log`,
    book: { id: ID, model: 'penguins', fromVersion: '1', toVersion: '2', startedAt: '', endedAt: null, outcome: null, reason: null, switchMs: null, policy, source: 'fake', samples: [], events: [] },
    reporter: { emit: (event) => events.push(event), close: () => {} },
    pollMs: 100,
  };
  const result = await drive(ctx);
  return { ...result, events, book: ctx.book };
}

function setup(options: { traffic?: (w: Weights) => number; world?: (p: FakePlatform) => void } = {}) {
  const clock = fakeClock();
  return { clock, platform: new FakePlatform(clock, options.traffic, options.world) };
}

const STEPS: Weights[] = [{ stable: 90, baseline: 5, canary: 5 }, { stable: 50, baseline: 25, canary: 25 }, { stable: 0, baseline: 50, canary: 50 }];

describe('rollout controller (fake platform, fake clock)', { timeout: 2_000 }, () => {
  it('sets every step in order, each held an interval and minStepRequests, and promotes only after the last', async () => {
    const { clock, platform } = setup();
    // An eager judge says promote at every look: exposure, not the verdict alone, moves the steps.
    const judge = scriptedJudge(() => 'promote', 'canary within tolerance');
    const { state, end } = await run(platform, judge, clock);
    expect(platform.weightsSet.map((w) => w.weights)).toEqual(STEPS);
    expect(platform.weightsSet.map((w) => w.at)).toEqual([READY_AFTER_MS, READY_AFTER_MS + 1_000, READY_AFTER_MS + 2_000]);
    for (let i = 1; i < platform.weightsSet.length; i++) {
      expect(platform.weightsSet[i]!.canaryRequests - platform.weightsSet[i - 1]!.canaryRequests).toBeGreaterThanOrEqual(policy.minStepRequests);
    }
    expect(platform.finished).toEqual([{ action: 'promote', reason: 'canary analysis: canary within tolerance', decidedBy: 'judge' }]);
    expect(judge.looks).toBe(3);
    expect(state).toMatchObject({ phase: 'promoted', decidedBy: 'judge' });
    expect(end).toMatchObject({ outcome: 'promoted', at: new Date(START + READY_AFTER_MS + 3_000).toISOString() });
  });

  it('holds a step until minStepRequests canary requests arrived, however long that takes', async () => {
    // One canary request every other poll: 5 per interval, so each step needs two intervals for its 10.
    let views = 0;
    const { clock, platform } = setup({ traffic: (w) => (w.canary > 0 && ++views % 2 === 0 ? 1 : 0) });
    await run(platform, scriptedJudge(() => 'promote'), clock);
    expect(platform.weightsSet.map((w) => w.weights)).toEqual(STEPS);
    expect(platform.weightsSet.map((w) => w.at)).toEqual([READY_AFTER_MS, READY_AFTER_MS + 2_000, READY_AFTER_MS + 4_000]);
  });

  it('rolls back on a rollback verdict at the look where it could have promoted, with the judge\'s reason', async () => {
    const { clock, platform } = setup();
    const { state } = await run(platform, scriptedJudge((look) => (look < 3 ? 'continue' : 'rollback'), 'canary p50 latency +40%'), clock);
    expect(platform.weightsSet.map((w) => w.weights)).toEqual(STEPS);
    expect(platform.finished).toEqual([{ action: 'rollback', reason: 'canary analysis: canary p50 latency +40%', decidedBy: 'judge' }]);
    expect(state).toMatchObject({ phase: 'rolled-back', decidedBy: 'judge' });
  });

  it('rolls back when an arm fails, naming the instance and its log', async () => {
    const { clock, platform } = setup({
      world: (p) => void (clock.now() - START >= 1_500 && Object.assign(p.arm('canary'), { status: 'failed', detail: 'exited with code 1' })),
    });
    const { state } = await run(platform, scriptedJudge(() => 'continue'), clock);
    expect(platform.weightsSet.map((w) => w.weights)).toEqual(STEPS.slice(0, 2));
    expect(platform.finished).toEqual([
      { action: 'rollback', reason: 'the canary instance penguins-2-canary (penguins:2) exited with code 1; see .keelson/logs/penguins-2-canary.log', decidedBy: 'platform' },
    ]);
    expect(state.decidedBy).toBe('platform');
  });

  it('sends no traffic to an arm that fails while starting', async () => {
    const { clock, platform } = setup({ world: (p) => void Object.assign(p.arm('baseline'), { status: 'failed', detail: 'model failed to load' }) });
    await run(platform, scriptedJudge(() => 'promote'), clock);
    expect(platform.weightsSet).toEqual([]);
    expect(platform.finished[0]?.reason).toBe('the baseline instance penguins-1-baseline (penguins:1) model failed to load; see .keelson/logs/penguins-1-baseline.log; no traffic reached the canary');
  });

  it('takes the end a person chose (keelson rollback) and acts no further', async () => {
    const { clock, platform } = setup({ world: (p) => void (clock.now() - START >= 1_600 && p.state.rollout && p.end('rolled-back', 'rolled back by hand', 'person')) });
    const { state, end, events } = await run(platform, scriptedJudge(() => 'continue'), clock);
    expect(platform.finished).toEqual([]);
    expect(platform.weightsSet.map((w) => w.weights)).toEqual(STEPS.slice(0, 2));
    expect(state).toMatchObject({ phase: 'rolled-back', reason: 'rolled back by hand', decidedBy: 'person' });
    expect(end).toMatchObject({ outcome: 'rolled-back', reason: 'rolled back by hand' });
    expect(events.at(-1)).toMatchObject({ kind: 'fail', message: 'rolled back by hand' });
  });

  it('takes the end of a person who was a moment faster than its own promotion', async () => {
    const { clock, platform } = setup();
    platform.beforeFinish = () => void (platform.state.rollout && platform.end('rolled-back', 'rolled back by hand', 'person'));
    const { state } = await run(platform, scriptedJudge(() => 'promote'), clock);
    expect(state).toMatchObject({ phase: 'rolled-back', reason: 'rolled back by hand', decidedBy: 'person' });
  });

  it('rolls back when the platform refuses the promotion', async () => {
    const { clock, platform } = setup();
    platform.refusePromotion = 'the canary instance penguins-2-canary is not ready';
    const { state, end } = await run(platform, scriptedJudge(() => 'promote'), clock);
    expect(platform.finished.map((f) => [f.action, f.decidedBy])).toEqual([['promote', 'judge'], ['rollback', 'platform']]);
    expect(state).toMatchObject({ phase: 'rolled-back', reason: 'promotion refused: the canary instance penguins-2-canary is not ready', decidedBy: 'platform' });
    expect(end?.outcome).toBe('rolled-back');
  });

  it('warns at every look that brings no canary request, holds the first step, and names the stall when it rolls back', async () => {
    const { clock, platform } = setup({ traffic: () => 0 });
    const { state, events, book } = await run(platform, scriptedJudge(() => 'continue'), clock);
    const warnings = events.filter((e) => e.kind === 'note' && e.level === 'warn').map((e) => (e as { message: string }).message);
    expect(warnings[0]).toBe(
      'no requests reached the canary in the last 1s (0 of 10 for step 1, minStepRequests): is traffic running? start some with `keelson traffic --duration 1m`; the analysis window ends in 4s and rolls back without enough requests',
    );
    expect(warnings).toHaveLength(4);
    expect(book.events.filter((e) => e.kind === 'note')).toHaveLength(4);
    expect(platform.weightsSet.map((w) => w.weights)).toEqual(STEPS.slice(0, 1));
    expect(platform.finished).toHaveLength(1);
    expect(state.reason).toContain('at step 1 of 3 (5%) with 0 of 10 canary requests (minStepRequests); not enough exposure to promote; no requests reached the canary in the last 5s (was traffic running?)');
  });
});
