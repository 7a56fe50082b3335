import { normalQuantile } from './special.js';

/** The Hodges–Lehmann shift estimate of `experiment − control` with its distribution-free confidence interval. */
export interface ShiftInterval {
  estimate: number;
  lower: number;
  upper: number;
}

/**
 * Mann–Whitney (Wilcoxon rank-sum) confidence interval for a location shift, as Kayenta's judge uses it: the
 * estimate is the median of all pairwise differences; the interval runs from the k-th smallest to the k-th largest
 * difference, with k from the normal approximation of the U statistic. Unbounded when the samples are too small.
 */
export function mannWhitneyShift(experiment: number[], control: number[], confidence: number): ShiftInterval {
  const m = experiment.length;
  const n = control.length;
  const differences = new Float64Array(m * n);
  let i = 0;
  for (const x of experiment) for (const y of control) differences[i++] = x - y;
  differences.sort();
  const total = differences.length;
  const estimate = total % 2 === 1 ? differences[(total - 1) / 2]! : (differences[total / 2 - 1]! + differences[total / 2]!) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const k = Math.floor((m * n) / 2 - z * Math.sqrt((m * n * (m + n + 1)) / 12));
  if (k < 1) return { estimate, lower: -Infinity, upper: Infinity };
  return { estimate, lower: differences[k - 1]!, upper: differences[total - k]! };
}
