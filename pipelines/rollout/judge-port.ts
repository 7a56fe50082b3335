/**
 * What the rollout needs from the canary analysis (`pipelines/analysis`): a judge per rollout and a
 * metric source for the arm pair. One adapter module, so the controller sees only these types.
 */
import { createJudge, parseJudgePolicy, type ArmSnapshot, type Judge, type MetricResult, type Snapshot, type Verdict } from '../analysis/index.js';

export type { ArmSnapshot, Judge, MetricResult, Snapshot, Verdict };

/** Produces cumulative snapshots of both arms (the analysis module's `MetricSource`). */
export interface MetricSource {
  snapshot(t: number): Promise<Snapshot>;
}

interface SourceFactories {
  createScrapeSource(options: { baselineUrl: string; canaryUrl: string; model: string }): MetricSource;
  createPrometheusSource(options: Record<string, unknown>): MetricSource;
}

/** Validates the judge part of a rollout policy and creates the judge (throws the judge's policy error). */
export function judgeFor(policy: unknown): Judge {
  return createJudge(policy === undefined ? {} : parseJudgePolicy(policy));
}

// A computed specifier: the metric sources are being written beside the judge.
const ANALYSIS_MODULE = '../analysis/index.js';

/** Loads the metric source factories. */
export async function loadSources(): Promise<SourceFactories> {
  return (await import(ANALYSIS_MODULE)) as SourceFactories;
}
