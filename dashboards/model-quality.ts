/** Model quality: what the model predicts, whether its inputs drift from training, which build is live. */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { SERVICE_METRICS as M } from '../contract/metrics.js';
import { labelledCount, liveAccuracy, referenceAccuracy } from './accuracy-queries.js';
import { addRows, keelsonDashboard } from './layout.js';
import type { DashboardOptions } from './options.js';
import { barGaugePanel, labelTablePanel, query, statPanel, timeseriesPanel } from './panels.js';
import { classShare, maxBy, quantile, rate, series, sumBy } from './promql.js';
import { datasourceVariable, MODEL_MATCHERS, modelVariables, RATE_WINDOW } from './variables.js';

/** PSI bands: below 0.1 no meaningful shift, 0.1–0.25 moderate, above 0.25 significant. */
const PSI_BANDS = [
  { value: 0.1, color: 'yellow' },
  { value: 0.25, color: 'red' },
];

/** Labels come late and sparsely: accuracy panels look at the last hour, not at the rate interval. */
const LABEL_WINDOW = '1h';
const byVersion = ['model', 'version'];

/** Builds the "keelson / Model quality" dashboard. */
export function modelQualityDashboard(_options: DashboardOptions): Dashboard {
  const model = MODEL_MATCHERS;
  const builder = keelsonDashboard(
    'keelson-model-quality',
    'keelson / Model quality',
    'Predicted-class mix per version, live accuracy from labelled feedback against held-out accuracy, input drift (PSI) per feature against the training data, and the model builds that are live.',
  ).variables([datasourceVariable(), ...modelVariables()]);
  return addRows(builder, [
    {
      title: 'Predictions',
      panels: [
        timeseriesPanel({
          title: 'Predicted-class mix by version',
          description: 'Share of each predicted class among a version\'s predictions. A version whose mix moves away from the others deserves a look.',
          queries: [query(classShare(M.predictions, model, ['model', 'version'], RATE_WINDOW), 'v{{version}} {{label}}')],
          unit: 'percentunit',
          min: 0,
          max: 1,
          width: 16,
        }),
        timeseriesPanel({
          title: 'Predictions per second by class',
          description: 'Predicted rows per second per class and version (one request may predict several rows).',
          queries: [query(sumBy(['model', 'version', 'label'], rate(M.predictions, model, RATE_WINDOW)), 'v{{version}} {{label}}')],
          unit: 'short',
          width: 8,
        }),
      ],
    },
    {
      title: 'Ground truth',
      panels: [
        timeseriesPanel({
          title: 'Live accuracy vs held-out by version',
          description: `Share of labelled predictions (POST …/feedback) that were right over the last ${LABEL_WINDOW}, beside each version's held-out accuracy from model.json. Read it with the labelled count beside it: a few labels say little. KeelsonModelAccuracyLow warns when live falls more than the tolerance below held-out.`,
          queries: [
            query(liveAccuracy(model, byVersion, LABEL_WINDOW), 'v{{version}} live'),
            query(referenceAccuracy(model, byVersion), 'v{{version}} held-out'),
          ],
          unit: 'percentunit',
          min: 0,
          max: 1,
          width: 12,
        }),
        statPanel({
          title: `Labelled rows (${LABEL_WINDOW})`,
          description: `Predictions that got their true label in the last ${LABEL_WINDOW}, per version: the sample behind the live accuracy.`,
          queries: [query(labelledCount(model, byVersion, LABEL_WINDOW), 'v{{version}}')],
          unit: 'short',
          width: 6,
        }),
        timeseriesPanel({
          title: 'Label delay p90',
          description: 'Time from a prediction to its label (feedback by request id), 90th percentile. Labels that come later than --feedback-ttl are refused.',
          queries: [query(quantile(0.9, M.feedbackDelay, model, byVersion, LABEL_WINDOW), 'v{{version}}')],
          unit: 's',
          width: 6,
        }),
        barGaugePanel({
          title: `Confusion counts (${LABEL_WINDOW})`,
          description: 'Labelled predictions by true class → predicted class. Off-diagonal bars are the mistakes; a shifted model piles them onto one predicted class.',
          queries: [query(sumBy(['version', 'actual', 'predicted'], `increase(${series(M.feedbackConfusion, model)}[${LABEL_WINDOW}])`), 'v{{version}} {{actual}} → {{predicted}}')],
          unit: 'short',
          min: 0,
          width: 24,
        }),
      ],
    },
    {
      title: 'Input drift',
      panels: [
        timeseriesPanel({
          title: 'Input drift PSI by feature',
          description:
            'Population stability index of recent inputs against the training reference, per feature. Bands: < 0.1 stable, 0.1–0.25 moderate shift, > 0.25 significant shift (alert after 15 minutes).',
          queries: [query(maxBy(['model', 'version', 'feature'], series(M.inputDriftPsi, model)), 'v{{version}} {{feature}}')],
          unit: 'none',
          min: 0,
          thresholds: PSI_BANDS,
          thresholdArea: true,
          width: 16,
        }),
        barGaugePanel({
          title: 'Current PSI by feature',
          description: 'The latest PSI of each feature, worst version shown.',
          queries: [query(maxBy(['feature'], series(M.inputDriftPsi, model)), '{{feature}}')],
          unit: 'none',
          min: 0,
          max: 0.5,
          thresholds: PSI_BANDS,
          width: 8,
        }),
      ],
    },
    {
      title: 'Live model builds',
      panels: [
        labelTablePanel({
          title: 'Model info',
          description: 'Every model version the service has loaded, with the sha256 of its ONNX file as verified at load time.',
          queries: [query(maxBy(['namespace', 'model', 'version', 'sha256'], series(M.modelInfo, model)))],
          columns: ['namespace', 'model', 'version', 'sha256'],
          width: 16,
        }),
        statPanel({
          title: 'Versions loaded',
          description: 'How many model versions report model_info.',
          queries: [query(`count(${series(M.modelInfo, model)})`, 'versions')],
          unit: 'short',
          width: 8,
        }),
      ],
    },
  ]).build();
}
