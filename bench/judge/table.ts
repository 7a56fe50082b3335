import type { Summary } from './outcome.js';
import type { ScenarioKind } from './scenarios.js';

export interface ModeRow {
  mode: string;
  summaries: Summary[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

/** The table in docs/canary-analysis.md: one row per judge mode, A/A, then detection per regression, then false rollbacks on benign. */
export function formatTable(scenarios: ScenarioKind[], rows: ModeRow[]): string {
  const header = ['judge', 'A/A false rollback', 'A/A promoted (early)'];
  for (const s of scenarios) {
    if (s.group === 'regression') header.push(`${s.name}: detected (median look)`);
    if (s.group === 'benign') header.push(`${s.name}: rolled back`);
  }
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const cells = [row.mode];
    scenarios.forEach((s, i) => {
      const summary = row.summaries[i]!;
      if (s.group === 'aa') cells.push(pct(summary.rollbackRate), `${pct(summary.promoteRate)} (${pct(summary.earlyPromoteRate)})`);
      if (s.group === 'regression') cells.push(`${pct(summary.rollbackRate)} (${summary.medianRollbackLook ?? '–'})`);
      if (s.group === 'benign') cells.push(pct(summary.rollbackRate));
    });
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}
