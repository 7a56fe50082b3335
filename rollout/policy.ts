import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { durationProblem, formatMs, parseDuration } from '../contract/duration.js';
import { PolicyError } from './errors.js';

/** How a rollout proceeds: traffic steps, how long and how much traffic each step needs, time limits. */
export interface RolloutPolicy {
  /** Canary share per step, in percent; the baseline gets the same share, stable the rest. */
  steps: number[];
  /** The judge looks every interval; a step lasts at least one interval. */
  intervalMs: number;
  /** Canary requests a step must see before the next step (or promotion). Not the judge's `minRequestsPerArm`. */
  minStepRequests: number;
  /** Canary and baseline must be ready within this, else rollback. */
  readyTimeoutMs: number;
  /** The whole analysis (from the first step) must decide within this; then the judge gives its final verdict. */
  analysisTimeoutMs: number;
  /** Time an instance gets to finish in-flight requests before it is stopped. */
  drainTimeoutMs: number;
  /** Known-good versions (other than the current stable) a rollout may return to without analysis; 0: never. */
  rollbackWindow: number;
  /** Judge policy, validated by the judge (`parseJudgePolicy`); undefined: the judge's defaults. */
  judge?: unknown;
}

export const DEFAULT_ROLLOUT_POLICY: Readonly<RolloutPolicy> = Object.freeze({
  steps: [5, 25, 50],
  intervalMs: 10_000,
  minStepRequests: 100,
  readyTimeoutMs: 120_000,
  analysisTimeoutMs: 10 * 60_000,
  drainTimeoutMs: 15_000,
  rollbackWindow: 3,
});

/** The policy fields a file may set, with what each accepts (shown when one is wrong or unknown). */
export const POLICY_FIELDS = {
  steps: 'a list of increasing canary percentages, each above 0 and at most 50 (the baseline gets the same share), e.g. [5, 25, 50]',
  interval: 'a duration such as 10s (how often the judge looks; the least time a step lasts)',
  minStepRequests: 'a whole number ≥ 0 (canary requests each step must see before the next step or promotion)',
  readyTimeout: 'a duration such as 2m',
  analysisTimeout: 'a duration such as 10m, at least steps × interval',
  drainTimeout: 'a duration such as 15s',
  rollbackWindow: 'a whole number ≥ 0 (earlier known-good versions a rollout may return to without analysis; 0: always analyse)',
  judge: 'a mapping of judge settings (see docs/canary-analysis.md)',
} as const;

/** Fields that changed name; a file still using the old name is told the new one. */
export const RENAMED_POLICY_FIELDS: Readonly<Record<string, { now: string; what: string }>> = Object.freeze({
  minRequests: { now: 'minStepRequests', what: "canary requests per step; the judge's own minimum is 'judge.minRequestsPerArm'" },
});

/** Validates a policy object (from YAML or JSON); every problem names the field, the value and what is allowed. */
export function parseRolloutPolicy(input: unknown, source = 'policy'): RolloutPolicy {
  if (input === null || input === undefined) return { ...DEFAULT_ROLLOUT_POLICY, steps: [...DEFAULT_ROLLOUT_POLICY.steps] };
  if (typeof input !== 'object' || Array.isArray(input)) throw new PolicyError(source, [`the policy is ${JSON.stringify(input)}: expected a mapping with fields ${Object.keys(POLICY_FIELDS).join(', ')}`]);
  const raw = input as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(raw)) {
    const renamed = Object.hasOwn(RENAMED_POLICY_FIELDS, key) ? RENAMED_POLICY_FIELDS[key] : undefined;
    if (renamed) problems.push(`'${key}' was renamed to '${renamed.now}' (${renamed.what})`);
    else if (!(key in POLICY_FIELDS)) problems.push(`'${key}' is not a policy field: allowed fields are ${Object.keys(POLICY_FIELDS).join(', ')}`);
  }
  const policy: RolloutPolicy = { ...DEFAULT_ROLLOUT_POLICY, steps: [...DEFAULT_ROLLOUT_POLICY.steps] };
  if (raw.steps !== undefined) {
    const steps = raw.steps;
    if (!Array.isArray(steps) || steps.length === 0) problems.push(`'steps' is ${JSON.stringify(steps)}: expected ${POLICY_FIELDS.steps}`);
    else {
      steps.forEach((step: unknown, i) => {
        if (typeof step !== 'number' || !Number.isFinite(step) || step <= 0 || step > 50) {
          problems.push(`'steps[${i}]' is ${JSON.stringify(step)}: expected a percentage above 0 and at most 50 (canary and baseline each get it, stable the rest)`);
        } else if (i > 0 && typeof steps[i - 1] === 'number' && step <= (steps[i - 1] as number)) {
          problems.push(`'steps[${i}]' is ${step}: expected more than the step before (${String(steps[i - 1])}); steps must increase`);
        }
      });
      policy.steps = steps as number[];
    }
  }
  const duration = (field: 'interval' | 'readyTimeout' | 'analysisTimeout' | 'drainTimeout', key: keyof RolloutPolicy, min: number): void => {
    if (raw[field] === undefined) return;
    const ms = parseDuration(raw[field]);
    if (ms === undefined) problems.push(durationProblem(field, raw[field]));
    else if (ms < min) problems.push(`'${field}' is ${JSON.stringify(raw[field])}: expected at least ${formatMs(min)}`);
    else (policy[key] as number) = ms;
  };
  duration('interval', 'intervalMs', 100);
  duration('readyTimeout', 'readyTimeoutMs', 1_000);
  duration('analysisTimeout', 'analysisTimeoutMs', 1_000);
  duration('drainTimeout', 'drainTimeoutMs', 0);
  if (raw.minStepRequests !== undefined) {
    const n = raw.minStepRequests;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) problems.push(`'minStepRequests' is ${JSON.stringify(n)}: expected ${POLICY_FIELDS.minStepRequests}`);
    else policy.minStepRequests = n;
  }
  if (raw.rollbackWindow !== undefined) {
    const n = raw.rollbackWindow;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) problems.push(`'rollbackWindow' is ${JSON.stringify(n)}: expected ${POLICY_FIELDS.rollbackWindow}`);
    else policy.rollbackWindow = n;
  }
  if (raw.judge !== undefined) {
    if (typeof raw.judge !== 'object' || raw.judge === null || Array.isArray(raw.judge)) problems.push(`'judge' is ${JSON.stringify(raw.judge)}: expected ${POLICY_FIELDS.judge}`);
    else policy.judge = raw.judge;
  }
  const least = policy.steps.length * policy.intervalMs;
  if (problems.length === 0 && policy.analysisTimeoutMs < least) {
    problems.push(`'analysisTimeout' is ${formatMs(policy.analysisTimeoutMs)}: expected at least steps × interval (${policy.steps.length} × ${formatMs(policy.intervalMs)} = ${formatMs(least)}), or no step could finish`);
  }
  if (problems.length > 0) throw new PolicyError(source, problems);
  return policy;
}

/** Reads and validates a policy file (YAML or JSON). */
export function loadRolloutPolicy(file: string): RolloutPolicy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyError(file, [`cannot read the policy file: ${(error as Error).message}`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new PolicyError(file, [`not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`]);
  }
  return parseRolloutPolicy(parsed, file);
}

/** Weights for step `index`: canary and baseline each get the step's share. */
export function stepWeights(policy: Pick<RolloutPolicy, 'steps'>, index: number): { stable: number; baseline: number; canary: number } {
  const share = policy.steps[index] ?? 0;
  return { stable: 100 - 2 * share, baseline: share, canary: share };
}
