/**
 * The rollout state machine: pure (no clock, no I/O). The controller feeds it events (instances ready,
 * a verdict at each interval, an instance lost...) and carries out the actions it returns.
 */
import { formatMs } from '../platform/duration.js';
import type { Weights } from '../platform/state.js';
import { stepWeights, type RolloutPolicy } from './policy.js';

export type Decision = 'continue' | 'promote' | 'rollback';
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
}

export type RolloutEvent =
  | { kind: 'arms-ready'; now: number; canaryRequests: number }
  | { kind: 'arm-failed'; now: number; reason: string }
  /**
   * `verdict` is null when the metric source failed; `noData` when it answered without both arms' data
   * (the judge then says why it cannot decide); `notReady` names arms still starting.
   */
  | { kind: 'tick'; now: number; canaryRequests: number; verdict: VerdictSummary | null; noData?: boolean; notReady?: string[] }
  | { kind: 'abort'; now: number; reason: string }
  /** Someone else (`keelson promote`/`rollback`, the platform's watchdog) ended the rollout. */
  | { kind: 'ended-elsewhere'; outcome: 'promoted' | 'rolled-back'; reason: string };

export type RolloutAction =
  | { kind: 'set-weights'; step: number; weights: Weights }
  | { kind: 'promote'; reason: string }
  | { kind: 'rollback'; reason: string };

export interface Transition {
  state: RolloutState;
  actions: RolloutAction[];
}

/** A step is held for one interval; ticks may arrive a little early, so allow 10% slack. */
const HOLD_SLACK = 0.9;

export function initialState(now: number): RolloutState {
  return { phase: 'starting', startedAt: now, step: -1, stepStartedAt: now, stepBaseRequests: 0, analysisStartedAt: null, lastDecision: null, lastReasons: [], reason: null };
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
  if (isTerminal(state)) return { state, actions: [] };
  switch (event.kind) {
    case 'ended-elsewhere':
      return { state: { ...state, phase: event.outcome, reason: event.reason }, actions: [] };
    case 'abort':
    case 'arm-failed':
      return rollback(state, event.reason);
    case 'arms-ready':
      if (state.phase !== 'starting') return { state, actions: [] };
      return enterStep({ ...state, phase: 'analysing', analysisStartedAt: event.now }, 0, event.now, event.canaryRequests, policy);
    case 'tick':
      return state.phase === 'starting' ? startingTick(state, event, policy) : analysingTick(state, event, policy);
  }
}

function startingTick(state: RolloutState, event: Extract<RolloutEvent, { kind: 'tick' }>, policy: RolloutPolicy): Transition {
  if (event.now - state.startedAt < policy.readyTimeoutMs) return { state, actions: [] };
  const who = event.notReady?.length ? event.notReady.join(' and ') : 'canary and baseline';
  return rollback(state, `${who} not ready within ${formatMs(policy.readyTimeoutMs)} (readyTimeout); no traffic reached the canary`);
}

function analysingTick(state: RolloutState, event: Extract<RolloutEvent, { kind: 'tick' }>, policy: RolloutPolicy): Transition {
  const verdict = event.verdict;
  const looked: RolloutState = verdict ? { ...state, lastDecision: verdict.decision, lastReasons: verdict.reasons } : state;
  if (verdict?.decision === 'rollback') return rollback(looked, `canary analysis: ${verdict.reasons.join('; ') || 'the judge found a regression'}`);
  const stepRequests = event.canaryRequests - state.stepBaseRequests;
  const held = event.now - state.stepStartedAt >= policy.intervalMs * HOLD_SLACK && stepRequests >= policy.minRequests;
  const last = state.step === policy.steps.length - 1;
  if (held && last && verdict?.decision === 'promote') {
    return promote(looked, `canary analysis: ${verdict.reasons.join('; ') || 'no regression'}`);
  }
  if (isFinalLook(state, policy, event.now)) return rollback(looked, finalReason(state, policy, verdict, held, stepRequests));
  // Without data (the metric source failed or lacks an arm) the weights hold: more exposure needs evidence.
  if (held && !last && verdict && !event.noData) return enterStep(looked, state.step + 1, event.now, event.canaryRequests, policy);
  return { state: looked, actions: [] };
}

function finalReason(state: RolloutState, policy: RolloutPolicy, verdict: VerdictSummary | null, held: boolean, stepRequests: number): string {
  const window = `the analysis window (analysisTimeout ${formatMs(policy.analysisTimeoutMs)}) ended`;
  if (!verdict) return `${window} and the metric source gave no data at the last look; never promoted without evidence`;
  const last = state.step === policy.steps.length - 1;
  if (!last || !held) {
    return `${window} at step ${state.step + 1} of ${policy.steps.length} (${policy.steps[state.step]}%) with ${stepRequests} of ${policy.minRequests} canary requests (minRequests); not enough exposure to promote`;
  }
  return `${window} without a promote verdict: ${verdict.reasons.join('; ') || verdict.decision}`;
}

function enterStep(state: RolloutState, step: number, now: number, canaryRequests: number, policy: RolloutPolicy): Transition {
  return {
    state: { ...state, step, stepStartedAt: now, stepBaseRequests: canaryRequests },
    actions: [{ kind: 'set-weights', step, weights: stepWeights(policy, step) }],
  };
}

function rollback(state: RolloutState, reason: string): Transition {
  return { state: { ...state, phase: 'rolled-back', reason }, actions: [{ kind: 'rollback', reason }] };
}

function promote(state: RolloutState, reason: string): Transition {
  return { state: { ...state, phase: 'promoted', reason }, actions: [{ kind: 'promote', reason }] };
}
