import { isOrphanRollback } from '../platform/control.js';
import type { PlatformState, RolloutEnd } from '../platform/state.js';
import type { Reporter } from '../steps/index.js';
import { findArms, lostArm, notReady } from './arms.js';
import type { Clock } from './clock.js';
import type { Judge, MetricSource } from './judge-port.js';
import { initialState, isFinalLook, isTerminal, transition, type RolloutAction, type RolloutEvent, type RolloutState } from './machine.js';
import { PlatformConflict, PlatformNotFound, type RolloutPlatform, type RolloutView } from './platform-port.js';
import type { RolloutPolicy } from './policy.js';
import type { RolloutRecordBook } from './timeline.js';

/** What the control loop works with; built by `runRollout`. */
export interface DriveContext {
  id: string;
  policy: RolloutPolicy;
  platform: RolloutPlatform;
  clock: Clock;
  judge: Judge;
  /** Called once the arms are ready (their URLs are known). */
  source: () => MetricSource;
  names: { canary: string; baseline: string };
  /** Where a person finds an instance's log (named when an arm is lost). */
  logOf(instance: string): string;
  book: RolloutRecordBook;
  reporter: Reporter;
  signal?: AbortSignal;
  pollMs: number;
  /** Called at every poll: persists the book when it changed (the journal the console reads). */
  onPoll?: () => void;
}

/**
 * Runs the rollout to its end: feeds the state machine events, carries out its actions, and feeds the platform's
 * answers back as events. Every phase change happens in `transition`. Returns how it ended.
 *
 * Exposure ("requests the canary got", for `minStepRequests` and the no-traffic warning) is counted once, by what
 * carries the traffic (`RolloutView.answered`), never from the judge's snapshot: the snapshot's counters start at
 * the judge's first look, vanish when the metric source fails and lag behind with Prometheus, while the traffic
 * layer's count is there at every poll. The judge's own per-arm counts are its evidence (`minRequestsPerArm`).
 */
export async function drive(ctx: DriveContext): Promise<{ state: RolloutState; end: RolloutEnd | null }> {
  const { clock, platform, policy } = ctx;
  const t0 = clock.now();
  const seconds = (): number => (clock.now() - t0) / 1_000;
  let state = initialState(t0);
  let end: RolloutEnd | null = null;
  let source: MetricSource | undefined;
  let nextLookAt = Infinity;
  const hardDeadline = t0 + policy.readyTimeoutMs + policy.analysisTimeoutMs + 60_000;
  const step = 'rollout';
  ctx.reporter.emit({ kind: 'start', step });

  const apply = async (event: RolloutEvent): Promise<void> => {
    const next = transition(state, event, policy);
    state = next.state;
    for (const action of next.actions) await carryOut(action);
    if (!isTerminal(state)) {
      // Ended by someone else between our look and this report.
      await platform.updateRollout(ctx.id, progressOf(state)).catch(async (error: unknown) => {
        if (!(error instanceof PlatformNotFound)) throw error;
        await settle((await platform.view()).state);
      });
    }
  };

  /** The platform's record of how this rollout ended (someone else ended it) becomes the machine's end too. */
  const settle = async (recorded: Pick<PlatformState, 'lastRollout'>): Promise<void> => {
    const last = recorded.lastRollout?.id === ctx.id ? recorded.lastRollout : null;
    end = last ?? end;
    await apply(endedElsewhere(last));
  };

  const carryOut = async (action: RolloutAction): Promise<void> => {
    if (action.kind === 'warn') {
      ctx.book.events.push({ t: seconds(), kind: 'note', message: action.message });
      ctx.reporter.emit({ kind: 'note', level: 'warn', message: action.message });
    } else if (action.kind === 'set-weights') {
      await platform.setWeights(action.weights);
      const message = `step ${action.step + 1}/${policy.steps.length}: canary ${action.weights.canary}%, baseline ${action.weights.baseline}%, stable ${action.weights.stable}%`;
      ctx.book.events.push({ t: seconds(), kind: 'step', message, weights: action.weights });
      ctx.reporter.emit({ kind: 'progress', step, detail: message });
    } else await finish(action);
  };

  const finish = async (action: Extract<RolloutAction, { kind: 'promote' | 'rollback' }>): Promise<void> => {
    const decidedAt = clock.now();
    let finished: RolloutEnd;
    try {
      finished = await platform.finish(ctx.id, action.kind, action.reason, state.decidedBy ?? 'controller');
    } catch (error) {
      if (error instanceof PlatformNotFound) return settle((await platform.view()).state);
      // The canary vanished between the verdict and the promotion.
      if (error instanceof PlatformConflict && action.kind === 'promote') return apply({ kind: 'promotion-refused', reason: error.message });
      throw error;
    }
    // The same outcome decided by someone else a moment earlier comes back as that end, with their reason.
    if (finished.reason !== action.reason) return settle({ lastRollout: finished });
    ctx.book.switchMs = Math.max(0, Date.parse(finished.at) - decidedAt);
    end = finished;
  };

  const observe = async ({ state: platformState, answered }: RolloutView, now: number): Promise<void> => {
    const arms = findArms(platformState, ctx.names);
    if (state.phase === 'starting') {
      const failed = arms.canary?.status === 'failed' || arms.baseline?.status === 'failed';
      const lost = failed ? lostArm(arms, ctx.names, ctx.logOf) : null;
      if (lost) return apply({ kind: 'arm-failed', now, reason: `${lost}; no traffic reached the canary` });
      if (arms.canary?.status !== 'ready' || arms.baseline?.status !== 'ready') return apply({ kind: 'tick', now, canaryRequests: 0, verdict: null, notReady: notReady(arms) });
      ctx.book.events.push({ t: seconds(), kind: 'ready', message: `canary ${arms.canary.name} and baseline ${arms.baseline.name} are ready` });
      ctx.reporter.emit({ kind: 'progress', step, detail: 'canary and baseline ready' });
      await apply({ kind: 'arms-ready', now, canaryRequests: answered.canary });
      source = ctx.source();
      nextLookAt = clock.now() + policy.intervalMs;
      return;
    }
    const lost = lostArm(arms, ctx.names, ctx.logOf);
    if (lost) return apply({ kind: 'arm-failed', now, reason: lost });
    if (now >= nextLookAt && source) {
      nextLookAt = Math.max(nextLookAt + policy.intervalMs, now + policy.intervalMs / 2);
      await look(ctx, source, state, answered, seconds(), platformState, apply);
    }
  };

  while (!isTerminal(state)) {
    const now = clock.now();
    if (ctx.signal?.aborted) await apply({ kind: 'abort', now, reason: `rollout interrupted (${String(ctx.signal.reason ?? 'aborted')}); rolled back` });
    else if (now > hardDeadline) await apply({ kind: 'abort', now, reason: 'the rollout controller ran past its own deadline; rolled back' });
    else {
      const view = await platform.view();
      if (view.state.rollout?.id !== ctx.id) await settle(view.state);
      else await observe(view, now);
    }
    ctx.onPoll?.();
    if (!isTerminal(state)) await clock.sleep(ctx.pollMs);
  }
  ctx.reporter.emit(state.phase === 'promoted'
    ? { kind: 'done', step, ms: clock.now() - t0, detail: `promoted ${ctx.book.model}:${ctx.book.toVersion}` }
    : { kind: 'fail', step, ms: clock.now() - t0, message: state.reason ?? 'rolled back' });
  return { state, end };
}

/** How the rollout ended elsewhere, as the machine's event: the platform's record, or its absence. */
function endedElsewhere(last: RolloutEnd | null): RolloutEvent {
  if (!last) return { kind: 'ended-elsewhere', outcome: 'rolled-back', reason: 'the platform no longer has this rollout and no record of how it ended', by: 'platform' };
  return { kind: 'ended-elsewhere', outcome: last.outcome, reason: last.reason, by: last.decidedBy ?? (isOrphanRollback(last) ? 'platform' : 'person') };
}

function progressOf(state: RolloutState) {
  return { phase: state.phase, step: state.step, ...(state.lastDecision ? { lastDecision: state.lastDecision, lastReasons: state.lastReasons } : {}) };
}

/** One look of the judge: snapshot the arms, evaluate, record, feed the machine. */
async function look(
  ctx: DriveContext,
  source: MetricSource,
  state: RolloutState,
  answered: RolloutView['answered'],
  t: number,
  platform: PlatformState,
  apply: (event: RolloutEvent) => Promise<void>,
): Promise<void> {
  const now = ctx.clock.now();
  const analysisT = (now - (state.analysisStartedAt ?? now)) / 1_000;
  let snapshot = null;
  let sourceError: string | undefined;
  try {
    snapshot = await source.snapshot(analysisT);
  } catch (error) {
    sourceError = (error as Error).message;
  }
  const verdict = snapshot ? ctx.judge.evaluate(snapshot, { final: isFinalLook(state, ctx.policy, now) }) : null;
  ctx.book.samples.push({ t, step: state.step, weights: platform.weights, answered, snapshot, verdict, ...(sourceError ? { sourceError } : {}) });
  // Journaled before the verdict is acted on, so whoever sees the rollout end also finds the look that ended it.
  ctx.onPoll?.();
  const detail = verdict
    ? `step ${state.step + 1}/${ctx.policy.steps.length}: ${verdict.decision}${verdict.reasons[0] ? ` (${verdict.reasons[0]})` : ''}`
    : `step ${state.step + 1}/${ctx.policy.steps.length}: no data from the metric source (${sourceError}); holding`;
  ctx.reporter.emit({ kind: 'progress', step: 'rollout', detail });
  const noData = !snapshot?.baseline || !snapshot.canary;
  await apply({ kind: 'tick', now, canaryRequests: answered.canary, verdict: verdict ? { decision: verdict.decision, reasons: verdict.reasons } : null, noData });
}
