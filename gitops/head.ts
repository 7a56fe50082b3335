import { createHash } from 'node:crypto';
import { parseDeploySpec, type DeploySpec } from '../contract/deploy-spec.js';
import type { HeadState } from './desired.js';
import { parseJudgePolicy } from '../analysis/policy.js';
import { parseRolloutPolicy, type RolloutPolicy } from '../rollout/policy.js';

/** The rollout policy a desired state asks for, validated like a `--policy` file. */
export function policyFromSpec(spec: DeploySpec, source: string): RolloutPolicy {
  // Drop absent optional fields: the policy parser treats a present `undefined` as a bad value.
  const fields = Object.fromEntries(Object.entries(spec.rollout).filter(([, value]) => value !== undefined));
  return parseRolloutPolicy(fields, source);
}

/**
 * Parses `deploy/<environment>.yaml` as found at a commit. Every problem becomes an `invalid` head whose
 * message names the file, the field, the value and what was expected; nothing is deployed from it.
 */
export function headReader(environment: string) {
  const path = `deploy/${environment}.yaml`;
  return (commit: string, text: string | null): HeadState => {
    if (text === null) return { kind: 'invalid', commit, message: `${path} does not exist at ${commit.slice(0, 7)}` };
    try {
      const spec = parseDeploySpec(text, path);
      if (spec.environment !== environment) {
        return { kind: 'invalid', commit, message: `${path}: environment = "${spec.environment}": expected "${environment}" (the file's own environment)` };
      }
      const policy = policyFromSpec(spec, `${path}: rollout`);
      // The judge's settings too, so that a bad one is refused here rather than when the rollout starts.
      if (policy.judge !== undefined) checkJudge(policy.judge, path);
      const fingerprint = createHash('sha256').update(JSON.stringify(spec)).digest('hex');
      return { kind: 'valid', commit, model: { name: spec.model.name, version: spec.model.version, sha256: spec.model.sha256 }, fingerprint };
    } catch (error) {
      return { kind: 'invalid', commit, message: (error as Error).message };
    }
  };
}

function checkJudge(judge: unknown, path: string): void {
  try {
    parseJudgePolicy(judge);
  } catch (error) {
    throw new Error(`${path}: rollout.judge: ${(error as Error).message}`);
  }
}
