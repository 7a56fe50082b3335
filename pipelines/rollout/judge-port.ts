/**
 * What the rollout needs from the canary judge (`pipelines/analysis`): a judge per rollout and a metric
 * source per arm pair. One adapter module, so the controller sees only these types.
 */
import type { Decision } from './machine.js';

/** Cumulative counts for one arm since the analysis started (the judge's snapshot shape). */
export interface ArmCounts {
  requests: number;
  errors: number;
  latency?: { buckets: number[]; counts: number[]; count: number };
  predictions?: Record<string, number>;
}

export interface Snapshot {
  t: number;
  baseline: ArmCounts;
  canary: ArmCounts;
}

/** Per-metric outcome; `sentence` is the human explanation. */
export interface MetricResultLike {
  name?: string;
  kind?: string;
  sentence?: string;
  decision?: string;
  [key: string]: unknown;
}

export interface Verdict {
  decision: Decision;
  reasons: string[];
  metrics: MetricResultLike[];
  t: number;
}

export interface Judge {
  evaluate(snapshot: Snapshot, options?: { final?: boolean }): Verdict;
}

export interface MetricSource {
  snapshot(t: number): Promise<Snapshot>;
}

interface AnalysisModule {
  createJudge(policy?: unknown): Judge;
  parseJudgePolicy(input: unknown): unknown;
  createScrapeSource(options: { baselineUrl: string; canaryUrl: string; model: string }): MetricSource;
  createPrometheusSource(options: Record<string, unknown>): MetricSource;
}

// A computed specifier keeps this file compiling while the judge is being written beside it.
const ANALYSIS_MODULE = '../analysis/index.js';

/** Loads the judge module. */
export async function loadAnalysis(): Promise<AnalysisModule> {
  return (await import(ANALYSIS_MODULE)) as AnalysisModule;
}
