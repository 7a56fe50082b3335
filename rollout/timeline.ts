import type { RolloutDecider } from '../contract/decisions.js';
import type { Variant, Weights } from '../contract/variants.js';
import type { Snapshot, Verdict } from './judge-port.js';

/** One look of the judge: what the arms had served, the weights at that moment, and the verdict. */
export interface Sample {
  /** Seconds since the rollout started. */
  t: number;
  step: number;
  weights: Weights;
  /** Requests the router answered per variant since the platform started. */
  answered: Record<Variant, number>;
  snapshot: Snapshot | null;
  verdict: Verdict | null;
  /** Why there is no snapshot (the metric source failed). */
  sourceError?: string;
}

/** A milestone: instances started, a step entered, the end. */
export interface TimelineEvent {
  t: number;
  kind: 'started' | 'ready' | 'step' | 'promoted' | 'rolled-back' | 'note';
  message: string;
  weights?: Weights;
}

/** Everything the report needs about one rollout. */
export interface RolloutRecordBook {
  id: string;
  model: string;
  fromVersion: string;
  toVersion: string;
  startedAt: string;
  endedAt: string | null;
  outcome: 'promoted' | 'rolled-back' | null;
  reason: string | null;
  /** Who ended the rollout (see `RolloutDecider`); absent in books written before it was recorded. */
  decidedBy?: RolloutDecider | null;
  /** Milliseconds from the decision to all traffic on stable (rollback) or on the new version (promote). */
  switchMs: number | null;
  policy: { steps: number[]; intervalMs: number; minStepRequests: number; readyTimeoutMs: number; analysisTimeoutMs: number };
  source: string;
  samples: Sample[];
  events: TimelineEvent[];
}
