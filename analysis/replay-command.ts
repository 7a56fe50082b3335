import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { ReplayInputError } from './errors.js';
import { JudgePolicyError, parseJudgePolicy, type JudgePolicy } from './policy.js';
import { parseScenarios, replayScenario, ScenarioError, type ReplayResult } from './replay.js';

async function loadPolicy(file: string | undefined): Promise<JudgePolicy> {
  if (!file) return parseJudgePolicy({});
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ReplayInputError(`cannot read the policy file ${file}: ${(error as Error).message}`);
  }
  try {
    return parseJudgePolicy(parseYaml(text) ?? {});
  } catch (error) {
    if (error instanceof JudgePolicyError) throw new ReplayInputError(`${file}: ${error.message}`);
    throw new ReplayInputError(`${file}: not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`);
  }
}

function describe(result: ReplayResult): string[] {
  const head =
    result.decision === 'inconclusive'
      ? `${result.name}: INCONCLUSIVE (the data ended before a decision)`
      : `${result.name}: ${result.decision.toUpperCase()} at t=${result.decidedAt}`;
  return [head, ...result.reasons.map((r) => `  ${r}`)];
}

/**
 * Replays every scenario of every file through one judge policy and prints the results (JSON lines or a report).
 * Files are read one at a time, so thousands of scenarios need no more memory than the largest file.
 * A file that cannot be read or parsed throws `ReplayInputError`.
 */
export async function runReplay(files: string[], options: { policy?: string; json?: boolean; final?: boolean }, print: (line: string) => void): Promise<void> {
  const policy = await loadPolicy(options.policy);
  const tally = { promote: 0, rollback: 0, inconclusive: 0 };
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      throw new ReplayInputError(`cannot read scenario file ${file}: ${(error as Error).message}`);
    }
    let scenarios;
    try {
      scenarios = parseScenarios(text, file);
    } catch (error) {
      if (error instanceof ScenarioError) throw new ReplayInputError(error.message);
      throw error;
    }
    for (const scenario of scenarios) {
      const result = replayScenario(policy, scenario, { final: options.final });
      tally[result.decision]++;
      if (options.json) print(JSON.stringify(result));
      else describe(result).forEach((line) => print(line));
    }
  }
  if (!options.json) {
    const total = tally.promote + tally.rollback + tally.inconclusive;
    print(`${total} scenario${total === 1 ? '' : 's'}: ${tally.promote} promoted, ${tally.rollback} rolled back, ${tally.inconclusive} inconclusive (judge mode ${policy.mode})`);
  }
}
