/** The Markdown summary of a deploy (`--summary FILE`, e.g. $GITHUB_STEP_SUMMARY): spec, image, model, steps, reason. Pure. */
import type { DeploySpec } from '../contract/deploy-spec.js';
import type { FollowState, Judgement } from '../kubernetes/rollout-progress.js';
import type { DeployResult } from './deploy.js';

export interface SummaryInput {
  spec: DeploySpec;
  specFile: string;
  result: DeployResult;
  state?: FollowState;
}

const HEADLINES: Record<DeployResult['kind'], string> = {
  promoted: '✅ promoted',
  already: '✅ already deployed (nothing changed)',
  'rolled-back': '❌ rolled back',
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function deploySummary({ spec, specFile, result, state }: SummaryInput): string {
  const lines = [
    `## keelson deploy ${spec.environment}: ${HEADLINES[result.kind]}`,
    '',
    `| | |`,
    `|---|---|`,
    `| spec | \`${specFile}\` |`,
    `| image | \`${result.image}\` |`,
    `| model | ${result.model} (sha256 \`${spec.model.sha256.slice(0, 12)}…\`) |`,
    ...('revision' in result && result.revision ? [`| revision | ${result.revision} |`] : []),
    '',
    '| step | weight (canary = baseline) | judge verdicts |',
    '|---|---|---|',
    ...spec.rollout.steps.map((weight, i) => `| ${i + 1}/${spec.rollout.steps.length} | ${weight}% | ${cell(verdicts(state?.judgements ?? [], i + 1))} |`),
    '',
  ];
  if (result.kind === 'rolled-back') lines.push(`**Reason:** ${cell(result.reason)}`, '');
  return lines.join('\n');
}

function verdicts(judgements: Judgement[], step: number): string {
  const mine = judgements.filter((j) => j.step === step);
  if (mine.length === 0) return '—';
  const last = mine.at(-1)!;
  const reasons = last.reasons.length > 0 ? `: ${last.reasons.join('; ')}` : '';
  return `${mine.map((j) => j.decision ?? j.phase).join(' → ')}${reasons}`;
}
