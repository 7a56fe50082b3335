/**
 * The canary dashboard's view of Argo Rollouts and `keelson judge serve` (the cluster canary), and the verdict
 * query both worlds share: the local rollout controller's verdicts (router) and the judge's answers (cluster).
 */
import { DECISIONS, type Decision } from '../contract/decisions.js';
import { JUDGE_DECISIONS_METRIC, JUDGE_VERDICT_METRIC, ROLLOUT_VERDICT_METRIC } from '../contract/metrics.js';
import { ANALYSIS_PHASES, ARGO_ROLLOUTS_METRICS as A, KEELSON_ARGO, ROLLOUT_INFO_PHASES } from './external-metrics.js';
import { query, stateTimelinePanel, timeseriesPanel, type PanelSlot } from './panels.js';
import { eq, maxBy, rate, re, series, sumBy, type Matcher } from './promql.js';
import { NAMESPACE_MATCHER, RATE_WINDOW } from './variables.js';

/** Titles of the panels fed only by Argo Rollouts and the judge service: empty on the local platform. */
export const CLUSTER_ONLY_PANELS = ['Rollout phase (Argo Rollouts)', 'Judge analysis runs (Argo Rollouts)', 'Judge answers per minute'] as const;

/** Annotation and state colours of the verdicts. */
export const VERDICT_COLORS: Record<Decision, string> = { continue: 'blue', promote: 'green', rollback: 'red' };

/**
 * `max by (labels) ((s1 == 1) * 1 or (s2 == 1) * 2 or …)`: a state set (one 0/1 series per state) as one number
 * per object, for a state timeline with value mappings.
 */
function stateCode(labels: string[], states: readonly string[], seriesOf: (state: string) => string): string {
  return maxBy(labels, states.map((state, i) => `(${seriesOf(state)} == 1) * ${i + 1}`).join(' or '));
}

function valueText(states: readonly string[], colors: Record<string, string>): Record<string, { text: string; color: string }> {
  return Object.fromEntries(states.map((state, i) => [String(i + 1), { text: state, color: colors[state] ?? 'text' }]));
}

/**
 * Latest verdict per rollout as 1 continue, 2 promote, 3 rollback: the router's `keelson_rollout_verdict`
 * (label `rollout_id`) locally, the judge's `keelson_judge_verdict` (label `rollout`, `<model>/<canary hash>`) in
 * the cluster. Legend `{{rollout_id}}{{rollout}}`: each series has one of the two.
 */
export function verdictCodeQuery(): string {
  const code = (metric: string, label: string) =>
    stateCode([label], DECISIONS, (decision) => series(metric, [NAMESPACE_MATCHER, eq('decision', decision)]));
  return `${code(ROLLOUT_VERDICT_METRIC, 'rollout_id')} or ${code(JUDGE_VERDICT_METRIC, 'rollout')}`;
}

/** Value mappings of {@link verdictCodeQuery}. */
export const VERDICT_TEXT = valueText(DECISIONS, VERDICT_COLORS);

/** Where a verdict is 1, locally or in the cluster: the expression of one verdict annotation. */
export function verdictAnnotationExpr(decision: Decision): string {
  const is = (metric: string) => `${series(metric, [NAMESPACE_MATCHER, eq('decision', decision)])} == 1`;
  return `${is(ROLLOUT_VERDICT_METRIC)} or ${is(JUDGE_VERDICT_METRIC)}`;
}

const rolloutMatchers: Matcher[] = [NAMESPACE_MATCHER, eq('name', KEELSON_ARGO.rollout)];
/** The judge's AnalysisRuns: `<rollout>-<pod hash>-<revision>-<step>-<analysis>`, metric `judge`. */
const judgeRunMatchers: Matcher[] = [NAMESPACE_MATCHER, re('name', `${KEELSON_ARGO.rollout}-.+`), eq('metric', KEELSON_ARGO.judgeMetric), eq('dry_run', 'false')];

/** The row of panels fed by the Argo Rollouts controller and the judge service. */
export function clusterCanaryPanels(): PanelSlot[] {
  return [
    stateTimelinePanel({
      title: CLUSTER_ONLY_PANELS[0],
      description: `Phase of the Rollout ${KEELSON_ARGO.rollout} as the Argo Rollouts controller reports it (${A.rolloutInfo}; Abort = the canary was rolled back, Paused = waiting for a person, e.g. an inconclusive analysis). Cluster only.`,
      queries: [query(stateCode(['namespace', 'name'], ROLLOUT_INFO_PHASES, (phase) => series(A.rolloutInfo, [...rolloutMatchers, eq('phase', phase)])), '{{namespace}}/{{name}}')],
      valueText: valueText(ROLLOUT_INFO_PHASES, { Progressing: 'blue', Paused: 'yellow', Completed: 'green', Abort: 'red', Timeout: 'red', Error: 'red', InvalidSpec: 'red' }),
      width: 8,
    }),
    stateTimelinePanel({
      title: CLUSTER_ONLY_PANELS[1],
      description: `Phase of the metric \`${KEELSON_ARGO.judgeMetric}\` of each AnalysisRun of the template keelson-judge (${A.analysisRunMetricPhase}): Running while the judge answers continue, Successful on promote, Failed on rollback, Error after 5 failed calls in a row. Cluster only.`,
      queries: [query(stateCode(['name'], ANALYSIS_PHASES, (phase) => series(A.analysisRunMetricPhase, [...judgeRunMatchers, eq('phase', phase)])), '{{name}}')],
      valueText: valueText(ANALYSIS_PHASES, { Pending: 'text', Running: 'blue', Successful: 'green', Inconclusive: 'yellow', Failed: 'red', Error: 'purple' }),
      width: 8,
    }),
    timeseriesPanel({
      title: CLUSTER_ONLY_PANELS[2],
      description: `Answers of keelson judge serve to Argo's measurements, by decision (${JUDGE_DECISIONS_METRIC}). None while an analysis runs means Argo is not reaching the judge. Cluster only.`,
      queries: [query(`${sumBy(['decision'], rate(JUDGE_DECISIONS_METRIC, [NAMESPACE_MATCHER], RATE_WINDOW))} * 60`, '{{decision}}')],
      unit: 'cpm',
      min: 0,
      width: 8,
    }),
  ];
}
