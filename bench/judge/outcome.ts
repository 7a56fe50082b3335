import { createJudge, type JudgePolicyInput, type Snapshot } from '../../analysis/index.js';

/** What a judge did with one scenario: its decision and at which look (1-based), or continue to the end. */
export interface Outcome {
  decision: 'promote' | 'rollback' | 'continue';
  look: number | null;
}

/** Walks the snapshots as if live (the last one is the end of the analysis window). */
export function judgeScenario(policy: JudgePolicyInput, snapshots: Snapshot[]): Outcome {
  const judge = createJudge(policy);
  for (let i = 0; i < snapshots.length; i++) {
    const verdict = judge.evaluate(snapshots[i]!, { final: i === snapshots.length - 1 });
    if (verdict.decision !== 'continue') return { decision: verdict.decision, look: i + 1 };
  }
  return { decision: 'continue', look: null };
}

/** Rates and detection times over a set of outcomes. */
export interface Summary {
  runs: number;
  rollbackRate: number;
  promoteRate: number;
  /** Promoted before the last look (positive evidence, not just the end of the window). */
  earlyPromoteRate: number;
  /** Median look of the rollbacks, null without any. */
  medianRollbackLook: number | null;
}

export function summarize(outcomes: Outcome[], lastLook: number): Summary {
  const rollbacks = outcomes.filter((o) => o.decision === 'rollback').map((o) => o.look!).sort((a, b) => a - b);
  const promotes = outcomes.filter((o) => o.decision === 'promote');
  return {
    runs: outcomes.length,
    rollbackRate: rollbacks.length / outcomes.length,
    promoteRate: promotes.length / outcomes.length,
    earlyPromoteRate: promotes.filter((o) => o.look! < lastLook).length / outcomes.length,
    medianRollbackLook: rollbacks.length > 0 ? rollbacks[Math.floor((rollbacks.length - 1) / 2)]! : null,
  };
}
