/** Canary analysis: the judge (pure), its policy, metric sources (I/O drivers) and replay. */
export type { ArmSnapshot, LatencyHistogram, MetricKind, MetricResult, MetricStatistic, MetricStatus, Snapshot, Verdict } from './types.js';
export { parseJudgePolicy, JudgePolicyError, type JudgePolicy, type JudgePolicyInput } from './policy.js';
export { createJudge, type Judge } from './judge.js';
export type { MetricSource } from './sources/source.js';
export { createScrapeSource, type ScrapeSourceOptions } from './sources/scrape.js';
export { createPrometheusSource, prometheusQueries, type PrometheusSourceOptions } from './sources/prometheus.js';
export { parseExposition, ExpositionError, type Sample } from './sources/exposition.js';
export { parseScenarios, replayScenario, ScenarioError, type ReplayResult, type Scenario } from './replay.js';
