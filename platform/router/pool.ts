import { z } from 'zod';
import { VARIANTS } from '../../contract/variants.js';

/** What the router is told to do: which instances exist, the traffic split, the rollout verdict to export. */
export const poolUpdateSchema = z.object({
  /** Increases with every update the platform sends; an older generation never replaces a newer one. */
  generation: z.number().int().nonnegative(),
  upstreams: z.array(
    z.object({
      name: z.string().min(1),
      role: z.enum(VARIANTS),
      version: z.string().min(1),
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
    }),
  ),
  weights: z.object({ stable: z.number().min(0).max(100), baseline: z.number().min(0).max(100), canary: z.number().min(0).max(100) }),
  verdict: z.object({ rolloutId: z.string().min(1), decision: z.enum(['continue', 'promote', 'rollback']) }).nullable(),
});

export type PoolUpdate = z.infer<typeof poolUpdateSchema>;

/** What the router process reports about itself (`GET /v1/state` of its admin API). */
export interface RouterView {
  pid: number;
  url: string;
  generation: number;
  weights: PoolUpdate['weights'];
  upstreams: PoolUpdate['upstreams'];
  /** Requests answered per variant since the router process started. */
  answered: Record<(typeof VARIANTS)[number], number>;
  /** Requests being forwarded, per instance name. */
  inFlight: Record<string, number>;
}

/** `.keelson/router.json`: where the running router process listens (written by that process once it serves). */
export interface RouterInfo {
  pid: number;
  url: string;
  adminUrl: string;
  host: string;
  port: number;
  startedAt: string;
}

/** The first message naming a bad field of a pool update, e.g. `'upstreams.0.port' is 0: …`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `'${issue.path.join('.') || 'body'}': ${issue.message}`;
}
