import { NO_EFFECT, type CanaryEffect } from './simulate.js';

/** A/A runs measure false rollbacks and promotion; regressions measure detection; benign changes must pass. */
export type ScenarioGroup = 'aa' | 'regression' | 'benign';

export interface ScenarioKind {
  name: string;
  group: ScenarioGroup;
  effect: CanaryEffect;
}

/** The benchmark's scenarios (issue 4): identical arms, three regressions, two tail-only regressions (issue 15: median unchanged), two benign changes. */
export const SCENARIOS: ScenarioKind[] = [
  { name: 'A/A (identical arms)', group: 'aa', effect: NO_EFFECT },
  { name: 'latency: median +25%', group: 'regression', effect: { ...NO_EFFECT, latencyFactor: 1.25 } },
  { name: 'errors: 0.2% → 2%', group: 'regression', effect: { ...NO_EFFECT, canaryErrorRate: 0.02 } },
  { name: 'class mix: 15 points moved', group: 'regression', effect: { ...NO_EFFECT, classShift: 0.15 } },
  { name: 'tail: 2% of requests ×10', group: 'regression', effect: { ...NO_EFFECT, tailShare: 0.02, tailFactor: 10 } },
  { name: 'tail: 5% of requests ×3', group: 'regression', effect: { ...NO_EFFECT, tailShare: 0.05, tailFactor: 3 } },
  { name: 'benign: latency +3%', group: 'benign', effect: { ...NO_EFFECT, latencyFactor: 1.03 } },
  { name: 'benign: canary 20% faster', group: 'benign', effect: { ...NO_EFFECT, latencyFactor: 0.8 } },
];
