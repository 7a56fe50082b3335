/** The retraining gate: a candidate replaces nothing unless it is at least as good as the live version on both sets. */

/** Accuracy on the held-out split and on the recent labelled traffic. */
export interface Scores {
  heldOut: number;
  traffic: number;
}

/**
 * Default slack: one held-out penguin is 1/86 = 1.2 points, and retraining the same recipe on more rows may move
 * one borderline penguin either way; 0.02 lets a candidate lose one of them, not two.
 */
export const DEFAULT_TOLERANCE = 0.02;

export type GateVerdict =
  | { kind: 'accepted'; live: Scores; candidate: Scores; tolerance: number }
  | { kind: 'refused'; live: Scores; candidate: Scores; tolerance: number; reasons: string[] };

const SETS: { key: keyof Scores; name: string }[] = [
  { key: 'heldOut', name: 'held-out' },
  { key: 'traffic', name: 'traffic' },
];

/** Accepted when `candidate >= live - tolerance` on each set. */
export function judgeCandidate(live: Scores, candidate: Scores, tolerance: number): GateVerdict {
  const reasons = SETS.filter(({ key }) => candidate[key] < live[key] - tolerance).map(
    ({ key, name }) => `${name} accuracy ${percent(candidate[key])} is below the live ${percent(live[key])} minus the tolerance ${percent(tolerance)}`,
  );
  return reasons.length === 0 ? { kind: 'accepted', live, candidate, tolerance } : { kind: 'refused', live, candidate, tolerance, reasons };
}

/** The comparison table printed for either verdict. */
export function formatComparison(verdict: GateVerdict, labels: { live: string; candidate: string }, rows: { heldOut: number; traffic: number }): string {
  const lines = [
    ['SET', 'ROWS', `LIVE ${labels.live}`, `CANDIDATE ${labels.candidate}`, 'DIFF'],
    ...SETS.map(({ key, name }) => [name, String(rows[key]), percent(verdict.live[key]), percent(verdict.candidate[key]), signed(verdict.candidate[key] - verdict.live[key])]),
  ];
  const widths = lines[0]!.map((_, c) => Math.max(...lines.map((l) => l[c]!.length)));
  const table = lines.map((l) => l.map((cell, c) => (c === l.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n');
  const outcome = verdict.kind === 'accepted' ? `gate: passed (tolerance ${percent(verdict.tolerance)})` : `gate: refused (tolerance ${percent(verdict.tolerance)}): ${verdict.reasons.join('; ')}`;
  return `${table}\n${outcome}\n`;
}

const percent = (value: number): string => `${(value * 100).toFixed(1)}%`;
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${(value * 100).toFixed(1)}`;
