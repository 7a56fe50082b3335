/**
 * Alerts on rollouts, in both worlds: the local platform (the router's `keelson_rollout_weight`) and the cluster
 * (the Argo Rollouts controller's `rollout_info` and `analysis_run_metric_phase`, the judge service's scrape).
 */
import { ROLLOUT_WEIGHT_METRIC, VARIANT_LABEL } from '../../contract/metrics.js';
import { ARGO_ROLLOUTS_METRICS as A, KEELSON_ARGO } from '../external-metrics.js';
import type { RuleOptions } from '../options.js';
import { eq, maxBy, ne, re, series } from '../promql.js';
import { runbookUrl, type RuleGroup } from './types.js';

/** How long the judge's scrape may fail before anyone is told. */
const JUDGE_DOWN_FOR = '2m';
/** How long an AnalysisRun whose judge metric ended in Error keeps the alert firing (AnalysisRuns outlive their rollout). */
const JUDGE_ERROR_WINDOW = '30m';
/** `rollout_info` phases of a Rollout that is not done. */
const UNFINISHED = ['Progressing', 'Paused'];
/** `rollout_info` phases of a Rollout Argo shows as Degraded: aborted (rolled back), past its deadline, or broken. */
const DEGRADED = ['Abort', 'Timeout', 'Error', 'InvalidSpec'];

/** The `keelson-rollout-alerts` group. */
export function rolloutRuleGroup(options: RuleOptions): RuleGroup {
  const after = options.rolloutStuckAfter;
  // The judge's weight gauge keeps the last step's weight after a rollout ends; where Argo owns the Rollout
  // its phase is the truth, so only the router's weights count.
  const weight = series(ROLLOUT_WEIGHT_METRIC, [ne('job', KEELSON_ARGO.judgeJob)]);
  const keelsonRollout = (phases: string[]) => series(A.rolloutInfo, [eq('name', KEELSON_ARGO.rollout), re('phase', phases.join('|'))]);
  const judgeErrored = series(A.analysisRunMetricPhase, [
    re('name', `${KEELSON_ARGO.rollout}-.+`),
    eq('metric', KEELSON_ARGO.judgeMetric),
    eq('dry_run', 'false'),
    eq('phase', 'Error'),
  ]);
  return {
    name: 'keelson-rollout-alerts',
    rules: [
      {
        alert: 'KeelsonRolloutStuck',
        expr: `max without (${VARIANT_LABEL}) (${weight} > 0 and ${weight} < 100)\nor ${maxBy(['namespace', 'name'], keelsonRollout(UNFINISHED))}`,
        for: after,
        labels: { severity: 'warning' },
        annotations: {
          summary: `A rollout has not finished for more than ${after}: {{ if $labels.name }}Argo Rollout {{ $labels.namespace }}/{{ $labels.name }} is Progressing or Paused{{ else }}traffic split between variants on {{ $labels.instance }}{{ end }}`,
          description: `Locally a variant has held a weight strictly between 0 and 100 for ${after} (a rollout is not finishing, or its process died with traffic split and nobody deciding); in the cluster the Argo Rollout has been Progressing or Paused (e.g. InconclusiveExperiment: the judge never decided) for ${after}.`,
          runbook_url: runbookUrl(options.runbookBaseUrl, 'KeelsonRolloutStuck'),
        },
      },
      {
        alert: 'KeelsonRolloutDegraded',
        expr: maxBy(['namespace', 'name', 'phase'], keelsonRollout(DEGRADED)),
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Argo Rollout {{ $labels.namespace }}/{{ $labels.name }} is degraded ({{ $labels.phase }}): the canary was rolled back or cannot progress',
          description:
            'Abort: the rollout was aborted (the judge answered rollback, its analysis ended in Error, or someone aborted it) and all traffic is back on stable. Timeout: the canary pods were not available within progressDeadlineSeconds. Error: a ReplicaSet could not be created. InvalidSpec: the Rollout spec is invalid. Stable keeps serving; the Rollout stays degraded until its spec changes (a new commit of deploy/).',
          runbook_url: runbookUrl(options.runbookBaseUrl, 'KeelsonRolloutDegraded'),
        },
      },
      {
        alert: 'KeelsonJudgeUnavailable',
        // Down = no judge replica up. An errored AnalysisRun never changes again: only its first JUDGE_ERROR_WINDOW
        // counts. Both aggregated, as the controller and the judge run several replicas.
        expr: [
          `${maxBy(['namespace', 'job'], series('up', [eq('job', KEELSON_ARGO.judgeJob)]))} == 0`,
          `or ${maxBy(['namespace', 'name'], `${judgeErrored} == 1 unless ${judgeErrored} offset ${JUDGE_ERROR_WINDOW} == 1`)}`,
        ].join('\n'),
        for: JUDGE_DOWN_FOR,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'The canary judge (keelson judge serve) is not answering Argo Rollouts{{ if $labels.name }}: AnalysisRun {{ $labels.namespace }}/{{ $labels.name }} ended in Error{{ else }}: no target of {{ $labels.namespace }}/{{ $labels.job }} is up{{ end }}',
          description: `Either no replica of the judge's Service ${KEELSON_ARGO.judgeJob} could be scraped for ${JUDGE_DOWN_FOR}, or an AnalysisRun's metric ${KEELSON_ARGO.judgeMetric} ended in Error (5 failed measurements in a row: judge unreachable, 5xx such as Prometheus unavailable, or an unreadable answer). Argo aborts a rollout whose analysis errors, so no canary can be promoted until the judge answers.`,
          runbook_url: runbookUrl(options.runbookBaseUrl, 'KeelsonJudgeUnavailable'),
        },
      },
    ],
  };
}
