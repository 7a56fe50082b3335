/** Live accuracy from labelled feedback (`model_feedback_total`), shared by the model-quality dashboard and the accuracy alert. */
import { SERVICE_METRICS as M } from '../contract/metrics.js';
import { eq, series, sumBy, type Matcher } from './promql.js';

/** Labelled rows in `window`: `sum by (labels) (increase(model_feedback_total[window]))`. */
export function labelledCount(matchers: Matcher[], labels: readonly string[], window: string): string {
  return sumBy(labels, `increase(${series(M.feedback, matchers)}[${window}])`);
}

/** Share of labelled rows the model predicted right in `window`, per `labels` (absent where nothing was labelled). */
export function liveAccuracy(matchers: Matcher[], labels: readonly string[], window: string): string {
  const correct = labelledCount([...matchers, eq('outcome', 'correct')], labels, window);
  const all = labelledCount(matchers, labels, window);
  return `(${correct} or 0 * ${all}) / ${all}`;
}

/** Held-out accuracy from each version's model.json, one value per `labels`. */
export function referenceAccuracy(matchers: Matcher[], labels: readonly string[]): string {
  return `max by (${labels.join(', ')}) (${series(M.referenceAccuracy, matchers)})`;
}
