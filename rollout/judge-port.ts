/**
 * What the rollout needs from the canary analysis (`analysis`): a judge per rollout and a metric
 * source for the arm pair. One adapter module, so the controller sees only these names.
 */
import {
  createJudge,
  createPrometheusSource,
  createScrapeSource,
  parseJudgePolicy,
  type ArmSnapshot,
  type Judge,
  type MetricResult,
  type MetricSource,
  type Snapshot,
  type Verdict,
} from '../analysis/index.js';

export type { ArmSnapshot, Judge, MetricResult, MetricSource, Snapshot, Verdict };

/** Validates the judge part of a rollout policy and creates the judge (throws the judge's policy error). */
export function judgeFor(policy: unknown): Judge {
  return createJudge(policy === undefined ? {} : parseJudgePolicy(policy));
}

/** The arms' metric source: Prometheus (arms told apart by the `variant` label) when given, else scraping the arms. */
export function sourceFor(arms: { baselineUrl: string; canaryUrl: string; model: string }, prometheusUrl?: string): MetricSource {
  if (prometheusUrl) return createPrometheusSource({ url: prometheusUrl, model: arms.model });
  return createScrapeSource(arms);
}
