/**
 * The rollout state machine: pure (no clock, no I/O). The controller feeds it events (instances ready,
 * a verdict at each interval, an instance lost...) and carries out the actions it returns.
 */
import { formatMs } from '../contract/duration.js';
import type { Decision, RolloutDecider } from '../contract/decisions.js';
import type { Weights } from '../contract/variants.js';
import { stepWeights, type RolloutPolicy } from './policy.js';

export type RolloutPhase = 'starting' | 'analysing' | 'promoted' | 'rolled-back';

/** The judge's answer as the machine needs it. */
export interface VerdictSummary {
  decision: Decision;
  reasons: string[];
}

export interface RolloutState {
  phase: RolloutPhase;
  startedAt: number;
  /** Index into the policy's steps; -1 before any traffic reaches the canary. */
  step: number;
  stepStartedAt: number;
  /** Canary requests answered when the step began (the step's own count is the difference). */
  stepBaseRequests: number;
  analysisStartedAt: number | null;
  lastDecision: Decision | null;
  lastReasons: string[];
  /** Why the rollout ended. */
  reason: string | null;
  /** Who ended it (null while it runs). */
  decidedBy: RolloutDecider | null;
  /** Canary requests answered at the judge's previous look (null before the first step). */
  lastLookRequests: number | null;
  /** Since when no canary request has arrived, from one look to the next (null while requests arrive). */
  idleSince: number | null;
}

export type RolloutEvent =
  | { kind: 'arms-ready'; now: number; canaryRequests: number }
  | { kind: 'arm-failed'; now: number; reason: string }
  /**
   * `verdict` is null when the metric source failed; `noData` when it answered without both arms' data
   * (the judge then says why it cannot decide); `notReady` names arms still starting.
   */
  | { kind: 'tick'; now: number; canaryRequests: number; verdict: VerdictSummary | null; noData?: boolean; notReady?: string[] }
  /** The controller stops (interrupted, past its deadline): roll back, nothing decided about the canary. */
  | { kind: 'abort'; now: number; reason: string }
  /**
   * Someone else ended the rollout: a person (`keelson promote`/`rollback`, the default) or the platform's watchdog.
   * The platform's record wins, also over a decision of ours it overtook (a person who was a moment faster).
   */
  | { kind: 'ended-elsewhere'; outcome: 'promoted' | 'rolled-back'; reason: string; by?: RolloutDecider }
  /** The platform refused to carry out our promotion (the canary vanished in between): roll back instead. */
  | { kind: 'promotion-refused'; reason: string };

export type RolloutAction =
  | { kind: 'set-weights'; step: number; weights: Weights }
  | { kind: 'promote'; reason: string }
  | { kind: 'rollback'; reason: string }
  /** Tell the person watching (progress output, report): something needs them, e.g. no traffic arrives. */
  | { kind: 'warn'; message: string };

export interface Transition {
  state: RolloutState;
  actions: RolloutAction[];
}

/** A step is held for one interval; ticks may arrive a little early, so allow 10% slack. */
const HOLD_SLACK = 0.9;

export function initialState(now: number): RolloutState {
  return {
    phase: 'starting',
    startedAt: now,
    step: -1,
    stepStartedAt: now,
    stepBaseRequests: 0,
    analysisStartedAt: null,
    lastDecision: null,
    lastReasons: [],
    reason: null,
    decidedBy: null,
    lastLookRequests: null,
    idleSince: null,
  };
}

export function isTerminal(state: RolloutState): boolean {
  return state.phase === 'promoted' || state.phase === 'rolled-back';
}

/** Whether the analysis window is over, so the judge must give its final verdict now. */
export function isFinalLook(state: RolloutState, policy: RolloutPolicy, now: number): boolean {
  return state.analysisStartedAt !== null && now - state.analysisStartedAt >= policy.analysisTimeoutMs;
}

/** Applies one event. */
export function transition(state: RolloutState, event: RolloutEvent, policy: RolloutPolicy): Transition {
  // These two answer a decision being carried out, so they may arrive once the machine has decided.
  if (event.kind === 'ended-elsewhere') {
    return { state: { ...state, phase: event.outcome, reason: event.reason, decidedBy: event.by ?? 'person' }, actions: [] };
  }
  if (event.kind === 'promotion-refused') {
    const promoting = state.phase === 'promoted' && state.decidedBy === 'judge';
    return promoting ? rollback(state, `promotion refused: ${event.reason}`, 'platform') : { state, actions: [] };
  }
  if (isTerminal(state)) return { state, actions: [] };
  switch (event.kind) {
    case 'abort':
      return rollback(state, event.reason, 'controller');
    case 'arm-failed':
      return rollback(state, event.reason, 'platform');
    case 'arms-ready':
      if (state.phase !== 'starting') return { state, actions: [] };
      return enterStep({ ...state, phase: 'analysing', analysisStartedAt: event.now, lastLookRequests: event.canaryRequests }, 0, event.now, event.canaryRequests, policy);
    case 'tick':
      return state.phase === 'starting' ? startingTick(state, event, policy) : analysingTick(state, event, policy);
  }
}

function startingTick(state: RolloutState, event: Extract<RolloutEvent, { kind: 'tick' }>, policy: RolloutPolicy): Transition {
  if (event.now - state.startedAt < policy.readyTimeoutMs) return { state, actions: [] };
  const who = event.notReady?.length ? event.notReady.join(' and ') : 'canary and baseline';
  return rollback(state, `${who} not ready within ${formatMs(policy.readyTimeoutMs)} (readyTimeout); no traffic reached the canary`, 'platform');
}

function analysingTick(state: RolloutState, event: Extract<RolloutEvent, { kind: 'tick' }>, policy: RolloutPolicy): Transition {
  const verdict = event.verdict;
  const idle = state.lastLookRequests !== null && event.canaryRequests <= state.lastLookRequests;
  const looked: RolloutState = {
    ...state,
    ...(verdict ? { lastDecision: verdict.decision, lastReasons: verdict.reasons } : {}),
    lastLookRequests: event.canaryRequests,
    idleSince: idle ? (state.idleSince ?? lastLookAt(state, policy, event.now)) : null,
  };
  if (verdict?.decision === 'rollback') {
    // The judge's final "not enough data" after a stall: the stall is what the person needs to hear.
    const stalled = looked.idleSince !== null ? `; no requests reached the canary in the last ${formatMs(event.now - looked.idleSince)} (was traffic running?)` : '';
    return rollback(looked, `canary analysis: ${verdict.reasons.join('; ') || 'the judge found a regression'}${stalled}`, 'judge');
  }
  const stepRequests = event.canaryRequests - state.stepBaseRequests;
  const held = event.now - state.stepStartedAt >= policy.intervalMs * HOLD_SLACK && stepRequests >= policy.minStepRequests;
  const last = state.step === policy.steps.length - 1;
  if (held && last && verdict?.decision === 'promote') {
    return promote(looked, `canary analysis: ${verdict.reasons.join('; ') || 'no regression'}`);
  }
  if (isFinalLook(state, policy, event.now)) return rollback(looked, finalReason(looked, policy, verdict, held, stepRequests, event.now), 'judge');
  const warnings: RolloutAction[] = idle ? [{ kind: 'warn', message: noTrafficMessage(looked, policy, stepRequests, event.now) }] : [];
  // Without data (the metric source failed or lacks an arm) the weights hold: more exposure needs evidence.
  if (held && !last && verdict && !event.noData) {
    const next = enterStep(looked, state.step + 1, event.now, event.canaryRequests, policy);
    return { state: next.state, actions: [...warnings, ...next.actions] };
  }
  return { state: looked, actions: warnings };
}

/** When the previous look was: the judge looks once per interval. */
function lastLookAt(state: RolloutState, policy: RolloutPolicy, now: number): number {
  return Math.max(state.stepStartedAt, now - policy.intervalMs);
}

/** What the person watching needs when the canary gets nothing: no traffic means no evidence, and the window runs out. */
function noTrafficMessage(state: RolloutState, policy: RolloutPolicy, stepRequests: number, now: number): string {
  const since = formatMs(now - (state.idleSince ?? now));
  const left = policy.analysisTimeoutMs - (now - (state.analysisStartedAt ?? now));
  const minutes = Math.max(1, Math.ceil(left / 60_000));
  return `no requests reached the canary in the last ${since} (${stepRequests} of ${policy.minStepRequests} for step ${state.step + 1}, minStepRequests): is traffic running? start some with \`keelson traffic --duration ${minutes}m\`; the analysis window ends in ${formatMs(Math.max(0, left))} and rolls back without enough requests`;
}

function finalReason(state: RolloutState, policy: RolloutPolicy, verdict: VerdictSummary | null, held: boolean, stepRequests: number, now: number): string {
  const window = `the analysis window (analysisTimeout ${formatMs(policy.analysisTimeoutMs)}) ended`;
  if (!verdict) return `${window} and the metric source gave no data at the last look; never promoted without evidence`;
  const last = state.step === policy.steps.length - 1;
  if (!last || !held) {
    const idle = state.idleSince !== null ? `; no requests reached the canary in the last ${formatMs(now - state.idleSince)} (was traffic running?)` : '';
    return `${window} at step ${state.step + 1} of ${policy.steps.length} (${policy.steps[state.step]}%) with ${stepRequests} of ${policy.minStepRequests} canary requests (minStepRequests); not enough exposure to promote${idle}`;
  }
  return `${window} without a promote verdict: ${verdict.reasons.join('; ') || verdict.decision}`;
}

function enterStep(state: RolloutState, step: number, now: number, canaryRequests: number, policy: RolloutPolicy): Transition {
  return {
    state: { ...state, step, stepStartedAt: now, stepBaseRequests: canaryRequests },
    actions: [{ kind: 'set-weights', step, weights: stepWeights(policy, step) }],
  };
}

function rollback(state: RolloutState, reason: string, decidedBy: RolloutDecider): Transition {
  return { state: { ...state, phase: 'rolled-back', reason, decidedBy }, actions: [{ kind: 'rollback', reason }] };
}

function promote(state: RolloutState, reason: string): Transition {
  return { state: { ...state, phase: 'promoted', reason, decidedBy: 'judge' }, actions: [{ kind: 'promote', reason }] };
}
