/** Ground truth for the service: held predictions, feedback handling, the file log (docs/model-quality.md). */
import type { FeedbackMetrics } from '../metrics/feedback-metrics.js';
import { createFeedbackLog } from './feedback-log.js';
import { PredictionStore } from './prediction-store.js';
import type { Feedback } from './remember.js';

export type { Feedback } from './remember.js';

/** `keelson serve`'s feedback settings. */
export interface FeedbackOptions {
  /** Request ids held for labels (0 = feedback off). */
  capacity?: number;
  /** How long a prediction takes a label. */
  ttlMs?: number;
  /** `--feedback-log DIR`: also append labelled rows to `DIR/feedback.ndjson` (rotated by size). */
  logDir?: string;
}

/** Defaults: about 30 MB at most for the held predictions (docs/model-quality.md, "Memory budget"). */
export const FEEDBACK_DEFAULTS = { capacity: 100_000, ttlMs: 60 * 60 * 1000 } as const;

/** The feedback state of one server, or undefined when `capacity` is 0. */
export function createFeedback(options: FeedbackOptions, metrics: FeedbackMetrics): Feedback | undefined {
  const capacity = options.capacity ?? FEEDBACK_DEFAULTS.capacity;
  if (capacity === 0) return undefined;
  const store = new PredictionStore({
    capacity,
    ttlMs: options.ttlMs ?? FEEDBACK_DEFAULTS.ttlMs,
    onEvict: (reason, count) => metrics.evictions.inc({ reason }, count),
  });
  metrics.heldSize = () => store.size;
  return { store, ...(options.logDir ? { log: createFeedbackLog({ dir: options.logDir }) } : {}) };
}
