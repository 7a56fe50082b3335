import type { RolloutRecordBook } from '../timeline.js';
import { summarize } from './summary.js';

const cell = (text: string | number): string => String(text).replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The rollout report as Markdown (tables; the charts are in the HTML report beside it). */
export function renderMarkdown(book: RolloutRecordBook): string {
  const s = summarize(book);
  const lines: string[] = [`# ${s.title}`, '', `**${s.outcomeLine}**`, '', '| | |', '|---|---|'];
  for (const [k, v] of s.facts) lines.push(`| ${cell(k)} | ${cell(v)} |`);
  lines.push('', `Charts: [${book.id}.html](${book.id}.html)`, '', '## Arms (cumulative since the analysis started)', '');
  lines.push('| Arm | Requests | Errors | Error rate | p50 | p90 | Predicted classes |', '|---|---:|---:|---:|---:|---:|---|');
  for (const r of s.armRows) lines.push(`| ${r.arm} | ${r.requests} | ${r.errors} | ${r.errorRate} | ${r.p50} | ${r.p90} | ${cell(r.mix)} |`);
  lines.push('', '## Last verdict, metric by metric', '');
  if (s.sentences.length === 0) lines.push('_The judge never got data._');
  for (const sentence of s.sentences) lines.push(`- ${sentence}`);
  lines.push('', '## Verdicts', '', '| t | Step | Canary weight | Decision | Reasons |', '|---:|---|---:|---|---|');
  for (const v of s.verdictRows) lines.push(`| ${v.t} | ${v.step} | ${v.canaryWeight} | ${v.decision} | ${cell(v.reason)} |`);
  lines.push('', '## Timeline', '');
  for (const e of s.events) lines.push(`- ${e.t}: ${e.message}`);
  lines.push('');
  return lines.join('\n');
}
