import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { SERVICE_METRICS as M, type FeedbackOutcome } from '../../../contract/metrics.js';

/** From a second to a week: labels arrive from right after the answer (a click) to days later (a chargeback). */
const DELAY_BUCKETS = [1, 5, 15, 60, 300, 900, 3600, 4 * 3600, 86_400, 7 * 86_400];

/**
 * Ground-truth metrics (docs/model-quality.md): feedback rarely comes at inference rates, so these are plain
 * prom-client metrics. Label values stay bounded: served versions, and `actual`/`predicted` from the manifest's labels.
 */
export class FeedbackMetrics {
  readonly outcomes: Counter<'model' | 'version' | 'outcome'>;
  readonly confusion: Counter<'model' | 'version' | 'actual' | 'predicted'>;
  readonly delay: Histogram<'model' | 'version'>;
  readonly held: Gauge;
  readonly evictions: Counter<'reason'>;
  readonly referenceAccuracy: Gauge<'model' | 'version'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.outcomes = new Counter({ name: M.feedback, help: 'Labelled predictions by outcome (correct, incorrect): the prediction against the label a client sent later', labelNames: ['model', 'version', 'outcome'], registers });
    this.confusion = new Counter({ name: M.feedbackConfusion, help: 'Labelled predictions by true class (actual) and predicted class', labelNames: ['model', 'version', 'actual', 'predicted'], registers });
    this.delay = new Histogram({ name: M.feedbackDelay, help: 'Seconds from a prediction to its label (feedback by request id only)', labelNames: ['model', 'version'], buckets: DELAY_BUCKETS, registers });
    const heldSize = () => this.heldSize();
    this.held = new Gauge({ name: M.feedbackHeld, help: 'Request ids whose predictions the service holds for feedback (bounded by --feedback-capacity)', registers, collect() { this.set(heldSize()); } });
    this.evictions = new Counter({ name: M.feedbackEvictions, help: 'Held predictions dropped: capacity (the oldest, to make room) or expired (older than twice --feedback-ttl)', labelNames: ['reason'], registers });
    this.referenceAccuracy = new Gauge({ name: M.referenceAccuracy, help: 'Held-out accuracy of a model version from its model.json (metrics.accuracy), 0..1', labelNames: ['model', 'version'], registers });
  }

  /** Reports the number of held predictions at each scrape. */
  heldSize: () => number = () => 0;

  /** Counts one labelled row. */
  labelled(model: string, version: string, actual: string, predicted: string): FeedbackOutcome {
    const outcome: FeedbackOutcome = actual === predicted ? 'correct' : 'incorrect';
    this.outcomes.inc({ model, version, outcome });
    this.confusion.inc({ model, version, actual, predicted });
    return outcome;
  }

  /** Exports a version's held-out accuracy when its manifest has one. */
  reference(model: string, version: string, accuracy: number | undefined): void {
    if (accuracy !== undefined && Number.isFinite(accuracy)) this.referenceAccuracy.set({ model, version }, accuracy);
  }
}
