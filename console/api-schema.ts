/**
 * The console's JSON API, as zod schemas: the server's answers are built to these types, the tests parse every answer
 * with them, and the browser code imports the types only (zod stays out of the bundle).
 */
import { z } from 'zod';

const variant = z.enum(['stable', 'baseline', 'canary']);
const weights = z.object({ stable: z.number(), baseline: z.number(), canary: z.number() });
const decision = z.enum(['continue', 'promote', 'rollback']);
const outcome = z.enum(['promoted', 'rolled-back']);
const series = z.array(z.number().nullable());

export const instanceSchema = z.object({
  name: z.string(),
  role: variant,
  version: z.string(),
  status: z.enum(['starting', 'ready', 'draining', 'stopped', 'failed']),
  url: z.string(),
  pid: z.number().nullable(),
  detail: z.string().optional(),
});

export const rolloutSummarySchema = z.object({
  id: z.string(),
  model: z.string(),
  fromVersion: z.string(),
  toVersion: z.string(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  outcome: outcome.nullable(),
  /** Running: the platform still has it in progress (its controller is writing the journal). */
  running: z.boolean(),
  reason: z.string().nullable(),
  decidedBy: z.string().nullable(),
});

export const overviewSchema = z.object({
  platform: z.object({ running: z.boolean(), pid: z.number().nullable(), routerUrl: z.string().nullable(), startedAt: z.string().nullable() }),
  model: z.string(),
  stable: z.string(),
  canary: z.string().nullable(),
  weights,
  instances: z.array(instanceSchema),
  rollout: z
    .object({ id: z.string(), fromVersion: z.string(), toVersion: z.string(), phase: z.string(), step: z.number(), stepCount: z.number(), lastDecision: decision.nullable(), lastReasons: z.array(z.string()) })
    .nullable(),
  lastRollout: z.object({ id: z.string(), outcome, reason: z.string(), decidedBy: z.string().nullable(), at: z.string(), toVersion: z.string() }).nullable(),
  gitops: z
    .object({
      phase: z.string(),
      branch: z.string(),
      environment: z.string(),
      live: z.object({ version: z.string(), commit: z.string().nullable(), subject: z.string().nullable() }).nullable(),
      deploying: z.object({ commit: z.string(), version: z.string(), subject: z.string().nullable() }).nullable(),
      failure: z.object({ commit: z.string(), message: z.string(), at: z.string() }).nullable(),
    })
    .nullable(),
  /** The latest rollouts' verdicts, newest first. */
  verdicts: z.array(z.object({ rolloutId: z.string(), t: z.number(), decision: decision.nullable(), reason: z.string() })),
});

export const rolloutListSchema = z.object({ rollouts: z.array(rolloutSummarySchema) });

export const metricTrackSchema = z.object({
  name: z.string(),
  kind: z.string(),
  unit: z.string(),
  critical: z.boolean(),
  /** The judge's test statistic at each look and the boundary it is held against (it fails at or above it). */
  statisticName: z.string().nullable(),
  statistic: series,
  boundary: series,
  /** The effect (`unit`) with its interval, and the tolerance the interval is compared with. */
  tolerance: z.number(),
  estimate: series,
  lower: series,
  upper: series,
  status: z.array(z.string().nullable()),
  sentence: z.string().nullable(),
});

export const rolloutDetailSchema = z.object({
  summary: rolloutSummarySchema,
  phase: z.string().nullable(),
  step: z.number().nullable(),
  policy: z.object({ steps: z.array(z.number()), intervalMs: z.number(), minStepRequests: z.number(), analysisTimeoutMs: z.number() }),
  source: z.string(),
  /** Weights over time (step changes), seconds since the start. */
  weights: z.object({ t: z.array(z.number()), stable: z.array(z.number()), baseline: z.array(z.number()), canary: z.array(z.number()) }),
  /** One entry per look of the judge; every series below is aligned with `t`. */
  looks: z.object({
    t: z.array(z.number()),
    step: z.array(z.number()),
    decision: z.array(decision.nullable()),
    reasons: z.array(z.array(z.string())),
    arms: z.record(
      z.enum(['baseline', 'canary']),
      z.object({ rps: series, errorRate: series, p50: series, p90: series, p99: series, classShare: z.record(z.string(), series) }),
    ),
  }),
  metrics: z.array(metricTrackSchema),
  events: z.array(z.object({ t: z.number(), kind: z.string(), message: z.string() })),
});

export const qualitySchema = z.object({
  model: z.string(),
  versions: z.array(
    z.object({
      version: z.string(),
      roles: z.array(variant),
      instances: z.array(z.string()),
      drift: z.array(z.object({ feature: z.string(), psi: z.number() })),
      classMix: z.array(z.object({ label: z.string(), live: z.number().nullable(), reference: z.number().nullable() })),
      predictions: z.number(),
      feedback: z.object({ correct: z.number(), incorrect: z.number(), accuracy: z.number().nullable() }).nullable(),
      referenceAccuracy: z.number().nullable(),
      error: z.string().nullable(),
    }),
  ),
});

export const sessionSchema = z.object({ loggedIn: z.boolean(), expiresAt: z.string().nullable(), login: z.string() });
export const actionResultSchema = z.object({ id: z.string(), outcome, reason: z.string(), decidedBy: z.string(), at: z.string() });
export const errorSchema = z.object({ error: z.string() });

export type Overview = z.infer<typeof overviewSchema>;
export type RolloutSummary = z.infer<typeof rolloutSummarySchema>;
export type RolloutList = z.infer<typeof rolloutListSchema>;
export type RolloutDetail = z.infer<typeof rolloutDetailSchema>;
export type MetricTrack = z.infer<typeof metricTrackSchema>;
export type Quality = z.infer<typeof qualitySchema>;
export type Session = z.infer<typeof sessionSchema>;
export type ActionResult = z.infer<typeof actionResultSchema>;
