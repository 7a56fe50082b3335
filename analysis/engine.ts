import type { Decision } from '../contract/decisions.js';
import type { MetricResult } from './types.js';
import type { ArmPair } from './sequential/shared.js';

/** What a judge mode (sequential, kayenta, threshold) implements; the shared checks live in `createJudge`. */
export interface JudgeEngine {
  /** Folds in the data between two looks (previous is null at the first look with data). */
  observe(previous: ArmPair | null, current: ArmPair): void;
  /** Where each metric stands now. */
  metrics(current: ArmPair): MetricResult[];
  /** The decision once the minimum exposure is reached; `final` at the end of the analysis window. */
  decide(metrics: MetricResult[], current: ArmPair, final: boolean): { decision: Decision; reasons: string[] };
}
