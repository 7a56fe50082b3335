/** Alerts on the models themselves: readiness, input drift, and a shift of the predicted-class mix. */
import { SERVICE_METRICS as M } from '../../contract/metrics.js';
import type { RuleOptions } from '../options.js';
import { classShare, maxBy, rate, series, sumBy, totalVariation } from '../promql.js';
import { runbookUrl, type RuleGroup } from './types.js';

const MIX_WINDOW = '1h';
const mixBy = ['namespace', 'model'];

/** The `keelson-model-alerts` group. */
export function modelRuleGroup(options: RuleOptions): RuleGroup {
  const runbook = (alert: string) => runbookUrl(options.runbookBaseUrl, alert);
  const today = classShare(M.predictions, [], mixBy, MIX_WINDOW);
  const yesterday = classShare(M.predictions, [], mixBy, MIX_WINDOW, '1d');
  const volume = (offset?: string) => `${sumBy(mixBy, rate(M.predictions, [], MIX_WINDOW, offset))} > ${options.predictionShiftMinRate}`;
  return {
    name: 'keelson-model-alerts',
    rules: [
      {
        alert: 'KeelsonModelNotReady',
        expr: `${series(M.modelReady)} == 0`,
        for: options.modelNotReadyFor,
        labels: { severity: 'critical' },
        annotations: {
          summary: 'Model {{ $labels.model }} version {{ $labels.version }} is not ready on {{ $labels.instance }}',
          description: `model_ready has been 0 for ${options.modelNotReadyFor}: the version failed to load, failed its warm-up inference, or the instance is shutting down. Its traffic gets 503.`,
          runbook_url: runbook('KeelsonModelNotReady'),
        },
      },
      {
        alert: 'KeelsonModelInputDrift',
        expr: `${maxBy(['namespace', 'job', 'model', 'version', 'feature'], series(M.inputDriftPsi))} > ${options.driftPsiThreshold}`,
        for: options.driftFor,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Input drift on feature {{ $labels.feature }} of {{ $labels.model }} version {{ $labels.version }}',
          description: `The population stability index of recent inputs against the training reference is {{ $value | printf "%.2f" }} (above ${options.driftPsiThreshold} for ${options.driftFor}): the model sees data unlike what it was trained on.`,
          runbook_url: runbook('KeelsonModelInputDrift'),
        },
      },
      {
        alert: 'KeelsonPredictionMixShift',
        expr: `${totalVariation(today, yesterday, mixBy)} > ${options.predictionShiftThreshold}\nand on (${mixBy.join(', ')}) ${volume()}\nand on (${mixBy.join(', ')}) ${volume('1d')}`,
        for: options.predictionShiftFor,
        labels: { severity: 'warning' },
        annotations: {
          summary: 'Predicted-class mix of {{ $labels.model }} moved away from the same hour yesterday',
          description: `The total-variation distance between the last hour's class shares and the same hour a day earlier is {{ $value | printf "%.2f" }} (above ${options.predictionShiftThreshold} for ${options.predictionShiftFor}).`,
          runbook_url: runbook('KeelsonPredictionMixShift'),
        },
      },
    ],
  };
}
