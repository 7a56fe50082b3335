import { z } from 'zod';

/**
 * The judge policy: which comparison mode, how much evidence, which metrics with which tolerances. Every field has a
 * default, so `{}` is a complete policy; unknown fields and bad values are refused with a message naming the field.
 */

const probability = z.number().gt(0).lt(1);
const metricBase = { enabled: z.boolean().default(true), critical: z.boolean().default(true) };

const policySchema = z.strictObject({
  mode: z.enum(['sequential', 'kayenta', 'threshold']).default('sequential'),
  alpha: probability.default(0.05),
  promotionAlpha: probability.default(0.05),
  canaryShare: probability.default(0.5),
  minRequestsPerArm: z.number().int().min(1).default(100),
  noDataDecision: z.enum(['rollback', 'continue']).default('rollback'),
  metrics: z
    .strictObject({
      latency: z
        .strictObject({
          ...metricBase,
          tolerance: z.number().min(0).max(10).default(0.1),
          quantiles: z.array(probability).min(1).max(8).default([0.5, 0.9]),
          tail: z
            .strictObject({ enabled: z.boolean().default(true), quantiles: z.array(z.number().min(0.9).lt(1)).min(1).max(4).default([0.99, 0.999]), tolerance: z.number().min(0).max(10).default(0.1) })
            .prefault({}),
        })
        .prefault({}),
      errors: z
        .strictObject({ ...metricBase, tolerance: z.number().min(0).max(100).default(0.1), negligibleRate: z.number().gt(0).lt(1).default(0.001) })
        .prefault({}),
      predictions: z.strictObject({ ...metricBase, tolerance: z.number().min(0).max(1).default(0.05) }).prefault({}),
      // Off unless the policy names it (its share of alpha would cost the other metrics power where no labels come).
      accuracy: z.strictObject({ ...metricBase, tolerance: z.number().min(0).max(1).default(0.02) }).prefault({ enabled: false }),
    })
    .prefault({}),
  kayenta: z
    .strictObject({
      confidence: probability.default(0.98),
      tolerance: z.number().min(0).default(0.25),
      passScore: z.number().min(0).max(100).default(75),
      marginalScore: z.number().min(0).max(100).default(50),
      minIntervals: z.number().int().min(2).default(3),
      weights: z
        .strictObject({
          latency: z.number().min(0).default(1),
          errors: z.number().min(0).default(1),
          predictions: z.number().min(0).default(1),
        })
        .prefault({}),
    })
    .prefault({}),
  threshold: z
    .strictObject({
      maxErrorRate: z.number().min(0).max(1).default(0.01),
      latencyQuantile: probability.default(0.99),
      maxLatencySeconds: z.number().gt(0).default(0.5),
      failedChecks: z.number().int().min(1).default(5),
    })
    .prefault({}),
});

/** A complete, validated judge policy. */
export type JudgePolicy = z.output<typeof policySchema>;
/** What a policy file may contain: any subset of the fields, at any depth. */
export type JudgePolicyInput = z.input<typeof policySchema>;

/** What each field accepts, shown when a value is wrong. */
const EXPECTED: Record<string, string> = {
  mode: "one of 'sequential' (default), 'kayenta', 'threshold'",
  alpha: 'a probability between 0 and 1 (exclusive), e.g. 0.05: the bound on rolling back a canary within tolerance',
  promotionAlpha: 'a probability between 0 and 1 (exclusive), e.g. 0.05: the bound on promoting early a canary beyond tolerance',
  canaryShare: "a number between 0 and 1 (exclusive): the canary's share of the traffic sent to baseline and canary (0.5 when both get equal weight)",
  minRequestsPerArm: 'a whole number ≥ 1: requests each arm (baseline and canary) must see before the judge decides',
  noDataDecision: "one of 'rollback' (default), 'continue' (hold for a person): the verdict at the end without enough data",
  metrics: 'a mapping with fields latency, errors, predictions, accuracy',
  enabled: 'true or false',
  critical: 'true or false (a critical metric rolls back on its own)',
  'metrics.latency.tolerance': 'a number between 0 and 10: how much slower the canary may be, relative (0.1 = +10%)',
  'metrics.latency.quantiles': 'a list of 1 to 8 probabilities between 0 and 1 (exclusive), e.g. [0.5, 0.9] or [0.5, 0.9, 0.99]',
  'metrics.latency.tail': 'a mapping with fields enabled, quantiles, tolerance (the sequential tail-latency test)',
  'metrics.latency.tail.quantiles': 'a list of 1 to 4 probabilities from 0.9 up to 1 (exclusive), e.g. [0.99, 0.999]: baseline quantiles whose exceedances are counted',
  'metrics.latency.tail.tolerance': "a number between 0 and 10: how much slower the canary's tail may be, relative (0.1 = +10%)",
  'metrics.errors.tolerance': "a number between 0 and 100: how much higher the canary's error rate may be, relative (0.1 = +10%)",
  'metrics.errors.negligibleRate': 'a rate between 0 and 1 (exclusive), e.g. 0.001: a canary error rate at or below it is never a regression',
  'metrics.predictions.tolerance': 'a number between 0 and 1: the largest acceptable total-variation distance between the class mixes',
  'metrics.accuracy': 'a mapping with fields enabled, critical, tolerance (naming it enables the accuracy test)',
  'metrics.accuracy.tolerance': "a number between 0 and 1: how far the canary's accuracy may fall below the baseline's, absolute (0.02 = 2 points)",
  kayenta: 'a mapping with fields confidence, tolerance, passScore, marginalScore, minIntervals, weights',
  'kayenta.confidence': 'a probability between 0 and 1 (exclusive), e.g. 0.98',
  'kayenta.tolerance': 'a number ≥ 0, e.g. 0.25 (fraction of the Hodges–Lehmann estimate)',
  'kayenta.passScore': 'a score between 0 and 100, e.g. 75',
  'kayenta.marginalScore': 'a score between 0 and 100, below passScore, e.g. 50',
  'kayenta.minIntervals': 'a whole number ≥ 2: intervals per arm before a metric is classified',
  'kayenta.weights': 'a mapping with fields latency, errors, predictions (numbers ≥ 0)',
  threshold: 'a mapping with fields maxErrorRate, latencyQuantile, maxLatencySeconds, failedChecks',
  'threshold.maxErrorRate': "a number between 0 and 1: the canary's largest acceptable error rate per interval",
  'threshold.latencyQuantile': 'a probability between 0 and 1 (exclusive), e.g. 0.99',
  'threshold.maxLatencySeconds': 'a number of seconds > 0, e.g. 0.5',
  'threshold.failedChecks': 'a whole number ≥ 1: failed interval checks that roll back',
};

/** Fields that changed name: a policy still using the old one is told the new one. */
const RENAMED: Readonly<Record<string, string>> = Object.freeze({
  minRequests: "'minRequestsPerArm' (requests each arm must see before the judge decides; the rollout's per-step minimum is 'minStepRequests')",
});

/** A policy that cannot be used; `problems` holds one message per wrong field. */
export class JudgePolicyError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid judge policy\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'JudgePolicyError';
  }
}

function expectedFor(path: string): string {
  const last = path.split('.').pop() ?? path;
  return EXPECTED[path] ?? EXPECTED[path.replace(/\.\d+$/, '')] ?? EXPECTED[last] ?? 'a valid value';
}

function allowedFields(path: string): string {
  const prefix = path === '' ? '' : `${path}.`;
  const shape = schemaAt(path);
  return shape ? Object.keys(shape).join(', ') : `see ${prefix || 'the policy'}`;
}

function schemaAt(path: string): Record<string, unknown> | null {
  let schema: unknown = policySchema;
  for (const key of path === '' ? [] : path.split('.')) {
    schema = unwrap(schema);
    const shape = (schema as { shape?: Record<string, unknown> }).shape;
    if (!shape || !(key in shape)) return null;
    schema = shape[key];
  }
  return (unwrap(schema) as { shape?: Record<string, unknown> }).shape ?? null;
}

function unwrap(schema: unknown): unknown {
  let current = schema as { _zod?: { def?: { innerType?: unknown } } };
  for (let i = 0; i < 5 && current?._zod?.def?.innerType; i++) current = current._zod.def.innerType as typeof current;
  return current;
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** Validates a judge policy (from YAML, JSON or code); every problem names the field, the value and what is allowed. */
export function parseJudgePolicy(input: unknown): JudgePolicy {
  const result = policySchema.safeParse(input ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys
          .map((key) =>
            path === '' && Object.hasOwn(RENAMED, key)
              ? `'${key}' was renamed to ${RENAMED[key]}`
              : `'${path ? `${path}.` : ''}${key}' is not a judge policy field: allowed fields are ${allowedFields(path)}`,
          )
          .join('; ');
      }
      if (path === '') return `the policy is ${JSON.stringify(input)}: expected a mapping with fields ${allowedFields('')}`;
      return `'${path}' is ${JSON.stringify(valueAt(input, issue.path)) ?? 'missing'}: expected ${expectedFor(path)}`;
    });
    throw new JudgePolicyError(problems);
  }
  const policy = result.data;
  if (policy.kayenta.marginalScore >= policy.kayenta.passScore) {
    throw new JudgePolicyError([
      `'kayenta.marginalScore' is ${policy.kayenta.marginalScore}: expected less than 'kayenta.passScore' (${policy.kayenta.passScore})`,
    ]);
  }
  const { latency, errors, predictions, accuracy } = policy.metrics;
  // Accuracy alone would promote at once wherever no labels come: it waits for labels and takes no part until then.
  if (![latency, errors, predictions].some((m) => m.enabled)) {
    throw new JudgePolicyError(["'metrics' enables no metric: expected at least one of latency, errors, predictions enabled (accuracy counts only where labels come)"]);
  }
  if (accuracy.enabled && policy.mode !== 'sequential') {
    throw new JudgePolicyError([`'metrics.accuracy' is enabled with mode '${policy.mode}': the accuracy test exists in mode 'sequential' only; remove 'metrics.accuracy' or use mode 'sequential'`]);
  }
  return policy;
}
