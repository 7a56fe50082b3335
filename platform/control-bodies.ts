import { z } from 'zod';
import { DECISIONS, ROLLOUT_DECIDERS } from '../contract/decisions.js';
import { VARIANTS } from '../contract/variants.js';
import { PlatformBadRequest } from './errors.js';

// The control API's request bodies. Unknown fields are dropped (a controller of another keelson version may
// send more), every known one is checked; rules that need the platform's state stay in PlatformControl.

const percent = z
  .number({ error: 'a percentage from 0 to 100' })
  .min(0, { error: 'a percentage from 0 to 100' })
  .max(100, { error: 'a percentage from 0 to 100' });
const version = z.union([z.string().min(1), z.number()], { error: 'a model version such as 2' }).transform(String);

/** `PUT /v1/weights`: traffic share per variant (that they sum to 100 is checked by `setWeights`). */
export const weightsBody = z.object({ stable: percent, baseline: percent, canary: percent });

/** `POST /v1/instances`. */
export const instanceBody = z.object({
  role: z.enum(VARIANTS, { error: `one of ${VARIANTS.join(', ')}` }),
  version,
});

/** `POST /v1/rollouts`: what a rollout controller declares when it starts. */
export const rolloutClaimBody = z.object({
  id: z.string({ error: 'a rollout id' }).min(1, { error: 'a rollout id' }),
  model: z.string({ error: 'a model name' }).min(1, { error: 'a model name' }),
  toVersion: z.string({ error: 'a model version such as 2' }).min(1, { error: 'a model version such as 2' }),
  ownerPid: z.number({ error: 'the process id of the rollout controller' }).int({ error: 'a process id' }).positive({ error: 'a process id' }),
  stepCount: z.number({ error: 'a whole number of steps' }).int({ error: 'a whole number of steps' }).nonnegative({ error: 'a whole number of steps' }),
});

/** `PATCH /v1/rollouts/:id`: the progress a rollout controller reports. */
export const rolloutProgressBody = z.object({
  phase: z.string({ error: 'a rollout phase such as analysing' }).min(1, { error: 'a rollout phase such as analysing' }),
  step: z.number({ error: 'a step index (-1: before traffic)' }).int({ error: 'a whole step index' }).min(-1, { error: 'a step index of at least -1' }),
  lastDecision: z.enum(DECISIONS, { error: `one of ${DECISIONS.join(', ')}` }).optional(),
  lastReasons: z.array(z.string(), { error: 'a list of reasons (strings)' }).optional(),
});

/** `POST /v1/rollouts/:id/promote|rollback`; an empty body is a person's request. */
export const rolloutEndBody = z.object({
  reason: z.string({ error: 'a reason (a string)' }).optional(),
  decidedBy: z.enum(ROLLOUT_DECIDERS, { error: `one of ${ROLLOUT_DECIDERS.join(', ')} (absent: a person)` }).optional(),
});

/**
 * Reads and validates a JSON body (an empty one reads as `{}`); a bad one is a `PlatformBadRequest` naming each
 * wrong field (as `prefix.field` when the body is itself a named value), its value and what was expected.
 */
export async function readBody<S extends z.ZodType>(request: Request, schema: S, prefix = ''): Promise<z.output<S>> {
  const text = await request.text();
  let raw: unknown = {};
  if (text.trim() !== '') {
    try {
      raw = JSON.parse(text);
    } catch {
      throw new PlatformBadRequest(`request body is not JSON: ${text.slice(0, 80)}`);
    }
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new PlatformBadRequest(`request body is ${text.slice(0, 80)}: expected a JSON object`);
  }
  const result = schema.safeParse(raw);
  if (!result.success) throw new PlatformBadRequest(result.error.issues.map((issue) => describeIssue(issue, raw, prefix)).join('; '));
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown, prefix: string): string {
  const field = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
  let value = raw;
  for (const key of issue.path) value = value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return `'${field}' is ${value === undefined ? 'missing' : JSON.stringify(value)}: expected ${issue.message}`;
}
