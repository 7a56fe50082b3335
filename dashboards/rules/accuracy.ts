/**
 * Live accuracy against held-out accuracy. Labels arrive in bursts and late, so, as the SLO alerts do, a long
 * window (6h) sees the drop and a short one (1h) confirms it is still there; each needs enough labelled rows.
 */
import { liveAccuracy, labelledCount, referenceAccuracy } from '../accuracy-queries.js';
import type { RuleOptions } from '../options.js';
import { runbookUrl, type AlertingRule, type RecordingRule, type RuleGroup } from './types.js';

const BY = ['namespace', 'model', 'version'];
const ON = `on (${BY.join(', ')})`;
/** Recorded series, by window: `keelson:model_accuracy:ratio_rate6h`, `keelson:model_feedback_labelled:increase1h`. */
export const ACCURACY_RECORDS = { accuracy: 'keelson:model_accuracy:ratio_rate', labelled: 'keelson:model_feedback_labelled:increase' } as const;
const WINDOWS = [
  { window: '6h', minLabelsShare: 1 },
  { window: '1h', minLabelsShare: 0.2 },
];

/** The `keelson-model-accuracy` group: recordings per window, then `KeelsonModelAccuracyLow`. */
export function accuracyRuleGroup(options: RuleOptions): RuleGroup {
  const recordings: RecordingRule[] = WINDOWS.flatMap(({ window }) => [
    { record: `${ACCURACY_RECORDS.accuracy}${window}`, expr: liveAccuracy([], BY, window) },
    { record: `${ACCURACY_RECORDS.labelled}${window}`, expr: labelledCount([], BY, window) },
  ]);
  const below = WINDOWS.map(({ window, minLabelsShare }) =>
    `((${referenceAccuracy([], BY)} - ${ON} ${ACCURACY_RECORDS.accuracy}${window}) > ${options.accuracyTolerance}`
    + ` and ${ON} ${ACCURACY_RECORDS.labelled}${window} >= ${Math.ceil(options.accuracyMinLabels * minLabelsShare)})`);
  const alert: AlertingRule = {
    alert: 'KeelsonModelAccuracyLow',
    expr: below.join(`\nand ${ON}\n`),
    for: options.accuracyFor,
    labels: { severity: 'warning' },
    annotations: {
      summary: 'Live accuracy of {{ $labels.model }} version {{ $labels.version }} is below its held-out accuracy',
      description: `Labelled feedback puts live accuracy {{ $value | humanizePercentage }} below the held-out accuracy of model.json over 6h and 1h (tolerance ${options.accuracyTolerance * 100}%, at least ${options.accuracyMinLabels} labels in 6h): the world moved away from the training data, or the labels did.`,
      runbook_url: runbookUrl(options.runbookBaseUrl, 'KeelsonModelAccuracyLow'),
    },
  };
  return { name: 'keelson-model-accuracy', rules: [...recordings, alert] };
}
