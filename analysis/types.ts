import type { Decision } from '../contract/decisions.js';

/** Cumulative Prometheus-style histogram: `counts[i]` requests took ≤ `buckets[i]` seconds; `count` is the +Inf bucket. */
export interface LatencyHistogram {
  buckets: number[];
  counts: number[];
  count: number;
}

/** One arm's counters, cumulative since the analysis started. */
export interface ArmSnapshot {
  requests: number;
  errors: number;
  latency: LatencyHistogram;
  /** Predicted rows per class label. */
  predictions: Record<string, number>;
  /** Labelled feedback on this arm's predictions (`model_feedback_total{outcome}`); absent or zero without labels. */
  feedback?: FeedbackCounts;
}

/** Predictions a client later labelled, by whether the prediction was right. */
export interface FeedbackCounts {
  correct: number;
  incorrect: number;
}

/** What the judge sees at one look; an arm is null when its source returned no data for this interval. */
export interface Snapshot {
  /** Seconds since the analysis started (only reported back, never used for arithmetic). */
  t: number;
  baseline: ArmSnapshot | null;
  canary: ArmSnapshot | null;
  /** Why an arm is null, when the source knows (the judge's reason quotes it). */
  missing?: Partial<Record<'baseline' | 'canary', string>>;
}

export type MetricKind = 'latency' | 'errors' | 'predictions' | 'accuracy';

/**
 * fail: a regression beyond tolerance is established; pass: the canary is established to be within tolerance;
 * inconclusive: neither yet; no-data: too little data to say anything.
 */
export type MetricStatus = 'pass' | 'fail' | 'inconclusive' | 'no-data';

/** The test statistic behind a status: the metric fails when `value` ≥ `threshold` (or, for kayenta, a classification). */
export interface MetricStatistic {
  name: string;
  value: number;
  threshold: number;
}

/** One metric's verdict, with the numbers a person needs to check it. */
export interface MetricResult {
  name: string;
  kind: MetricKind;
  status: MetricStatus;
  critical: boolean;
  statistic: MetricStatistic;
  /**
   * The effect, in `unit`: latency 'relative' (0.23 = canary 23% slower), errors 'ratio' (canary/baseline error
   * rate), predictions 'tv' (total-variation distance of the class mixes), accuracy 'difference' (canary − baseline
   * accuracy, −0.05 = 5 points lower), threshold mode the canary's own value.
   */
  estimate: number | null;
  lower: number | null;
  upper: number | null;
  unit: 'relative' | 'ratio' | 'tv' | 'difference' | 'rate' | 'seconds' | 'shift';
  /** Confidence of [lower, upper], e.g. 0.95. */
  confidence: number;
  tolerance: number;
  samples: { baseline: number; canary: number };
  sentence: string;
}

/** The judge's answer at one look. */
export interface Verdict {
  decision: Decision;
  reasons: string[];
  metrics: MetricResult[];
  t: number;
}
