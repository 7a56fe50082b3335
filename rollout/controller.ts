import { setTimeout as sleep } from 'node:timers/promises';
import type { PlatformClient } from '../platform/client.js';
import { isOrphanRollback } from '../platform/control.js';
import { PlatformConflict, PlatformNotFound } from '../platform/errors.js';
import type { PlatformPaths } from '../platform/paths.js';
import type { PlatformState, RolloutEnd } from '../platform/state.js';
import type { Reporter } from '../steps/index.js';
import { findArms, lostArm, notReady } from './arms.js';
import type { Judge, MetricSource } from './judge-port.js';
import { initialState, isFinalLook, isTerminal, transition, type RolloutAction, type RolloutEvent, type RolloutState } from './machine.js';
import type { RolloutPolicy } from './policy.js';
import type { RolloutRecordBook } from './timeline.js';

/** What the control loop works with; built by `runRollout`. */
export interface DriveContext {
  id: string;
  policy: RolloutPolicy;
  client: PlatformClient;
  paths: PlatformPaths;
  judge: Judge;
  /** Called once the arms are ready (their URLs are known). */
  source: () => MetricSource;
  names: { canary: string; baseline: string };
  book: RolloutRecordBook;
  reporter: Reporter;
  signal?: AbortSignal;
  pollMs: number;
}

/** Runs the rollout to its end: feeds the state machine, carries out its actions. Returns how it ended. */
export async function drive(ctx: DriveContext): Promise<{ state: RolloutState; end: RolloutEnd | null }> {
  const t0 = Date.now();
  const seconds = (): number => (Date.now() - t0) / 1_000;
  let state = initialState(Date.now());
  let end: RolloutEnd | null = null;
  let source: MetricSource | undefined;
  let nextLookAt = Infinity;
  const hardDeadline = t0 + ctx.policy.readyTimeoutMs + ctx.policy.analysisTimeoutMs + 60_000;
  const step = 'rollout';
  ctx.reporter.emit({ kind: 'start', step });

  const apply = async (event: RolloutEvent): Promise<void> => {
    const next = transition(state, event, ctx.policy);
    state = next.state;
    for (const action of next.actions) end = (await carryOut(action)) ?? end;
    if (!isTerminal(state)) {
      const progress = { phase: state.phase, step: state.step, ...(state.lastDecision ? { lastDecision: state.lastDecision, lastReasons: state.lastReasons } : {}) };
      await ctx.client.updateRollout(ctx.id, progress).catch(async (error: unknown) => {
        // Ended by someone else between our look and this report.
        if (!(error instanceof PlatformNotFound)) throw error;
        end = endedElsewhere((await ctx.client.view()).state);
      });
    }
  };

  const carryOut = async (action: RolloutAction): Promise<RolloutEnd | null> => {
    if (action.kind === 'warn') {
      ctx.book.events.push({ t: seconds(), kind: 'note', message: action.message });
      ctx.reporter.emit({ kind: 'note', level: 'warn', message: action.message });
      return null;
    }
    if (action.kind === 'set-weights') {
      await ctx.client.setWeights(action.weights);
      const message = `step ${action.step + 1}/${ctx.policy.steps.length}: canary ${action.weights.canary}%, baseline ${action.weights.baseline}%, stable ${action.weights.stable}%`;
      ctx.book.events.push({ t: seconds(), kind: 'step', message, weights: action.weights });
      ctx.reporter.emit({ kind: 'progress', step, detail: message });
      return null;
    }
    const decidedAt = Date.now();
    try {
      const finished = await ctx.client.finish(ctx.id, action.kind, action.reason, state.decidedBy ?? 'controller');
      // The same outcome decided by someone else a moment earlier comes back as that end, with their reason.
      if (finished.reason !== action.reason) return endedElsewhere({ lastRollout: finished });
      ctx.book.switchMs = Math.max(0, Date.parse(finished.at) - decidedAt);
      return finished;
    } catch (error) {
      if (error instanceof PlatformNotFound) return endedElsewhere(await ctx.client.view().then((v) => v.state));
      if (error instanceof PlatformConflict && action.kind === 'promote') {
        // The canary vanished between the verdict and the promotion: roll back instead.
        state = { ...state, phase: 'rolled-back', reason: `promotion refused: ${error.message}`, decidedBy: 'platform' };
        return ctx.client.finish(ctx.id, 'rollback', state.reason!, 'platform');
      }
      throw error;
    }
  };

  const endedElsewhere = (platform: Pick<PlatformState, 'lastRollout'>): RolloutEnd | null => {
    const last = platform.lastRollout?.id === ctx.id ? platform.lastRollout : null;
    state = last
      ? { ...state, phase: last.outcome, reason: last.reason, decidedBy: last.decidedBy ?? (isOrphanRollback(last) ? 'platform' : 'person') }
      : { ...state, phase: 'rolled-back', reason: 'the platform no longer has this rollout and no record of how it ended', decidedBy: 'platform' };
    return last;
  };

  while (!isTerminal(state)) {
    const now = Date.now();
    if (ctx.signal?.aborted) {
      await apply({ kind: 'abort', now, reason: `rollout interrupted (${String(ctx.signal.reason ?? 'aborted')}); rolled back` });
      break;
    }
    if (now > hardDeadline) {
      await apply({ kind: 'abort', now, reason: 'the rollout controller ran past its own deadline; rolled back' });
      break;
    }
    const { state: platform, answered } = await ctx.client.view();
    if (platform.rollout?.id !== ctx.id) {
      end = endedElsewhere(platform);
      break;
    }
    const arms = findArms(platform, ctx.names);
    if (state.phase === 'starting') {
      const lost = arms.canary?.status === 'failed' || arms.baseline?.status === 'failed' ? lostArm(arms, ctx.names, ctx.paths) : null;
      if (lost) await apply({ kind: 'arm-failed', now, reason: `${lost}; no traffic reached the canary` });
      else if (arms.canary?.status === 'ready' && arms.baseline?.status === 'ready') {
        ctx.book.events.push({ t: seconds(), kind: 'ready', message: `canary ${arms.canary.name} and baseline ${arms.baseline.name} are ready` });
        ctx.reporter.emit({ kind: 'progress', step, detail: 'canary and baseline ready' });
        await apply({ kind: 'arms-ready', now, canaryRequests: answered.canary });
        source = ctx.source();
        nextLookAt = Date.now() + ctx.policy.intervalMs;
      } else await apply({ kind: 'tick', now, canaryRequests: 0, verdict: null, notReady: notReady(arms) });
    } else {
      const lost = lostArm(arms, ctx.names, ctx.paths);
      if (lost) await apply({ kind: 'arm-failed', now, reason: lost });
      else if (now >= nextLookAt && source) {
        nextLookAt = Math.max(nextLookAt + ctx.policy.intervalMs, now + ctx.policy.intervalMs / 2);
        await look(ctx, source, state, answered, seconds(), platform, apply);
      }
    }
    if (!isTerminal(state)) await sleep(ctx.pollMs);
  }
  ctx.reporter.emit(state.phase === 'promoted'
    ? { kind: 'done', step, ms: Date.now() - t0, detail: `promoted ${ctx.book.model}:${ctx.book.toVersion}` }
    : { kind: 'fail', step, ms: Date.now() - t0, message: state.reason ?? 'rolled back' });
  return { state, end };
}

/** One look of the judge: snapshot the arms, evaluate, record, feed the machine. */
async function look(
  ctx: DriveContext,
  source: MetricSource,
  state: RolloutState,
  answered: Record<'stable' | 'baseline' | 'canary', number>,
  t: number,
  platform: PlatformState,
  apply: (event: RolloutEvent) => Promise<void>,
): Promise<void> {
  const now = Date.now();
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
  const detail = verdict
    ? `step ${state.step + 1}/${ctx.policy.steps.length}: ${verdict.decision}${verdict.reasons[0] ? ` (${verdict.reasons[0]})` : ''}`
    : `step ${state.step + 1}/${ctx.policy.steps.length}: no data from the metric source (${sourceError}); holding`;
  ctx.reporter.emit({ kind: 'progress', step: 'rollout', detail });
  const noData = !snapshot?.baseline || !snapshot.canary;
  await apply({ kind: 'tick', now, canaryRequests: answered.canary, verdict: verdict ? { decision: verdict.decision, reasons: verdict.reasons } : null, noData });
}
