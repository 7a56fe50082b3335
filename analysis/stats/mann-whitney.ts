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
  const differences = new Float64Array(experiment.length * control.length);
  let i = 0;
  for (const x of experiment) for (const y of control) differences[i++] = x - y;
  return shiftFromSorted(differences.sort(), experiment.length, control.length, confidence);
}

/** The interval from already sorted pairwise differences of samples of sizes m and n. */
function shiftFromSorted(differences: Float64Array, m: number, n: number, confidence: number): ShiftInterval {
  const total = differences.length;
  const estimate = total % 2 === 1 ? differences[(total - 1) / 2]! : (differences[total / 2 - 1]! + differences[total / 2]!) / 2;
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const k = Math.floor((m * n) / 2 - z * Math.sqrt((m * n * (m + n + 1)) / 12));
  if (k < 1) return { estimate, lower: -Infinity, upper: Infinity };
  return { estimate, lower: differences[k - 1]!, upper: differences[total - k]! };
}

/**
 * Keeps the sorted pairwise differences of two growing samples, so that a look that appends a value to each only
 * merges the new differences (O(mn)) instead of sorting all of them again (O(mn log mn)).
 */
export function createShiftTracker() {
  let experiment: number[] = [];
  let control: number[] = [];
  let sorted: Float64Array = new Float64Array(0);

  const extends_ = (next: number[], previous: number[]): boolean => next.length >= previous.length && previous.every((v, i) => next[i] === v);

  return function update(nextExperiment: number[], nextControl: number[], confidence: number): ShiftInterval {
    if (!extends_(nextExperiment, experiment) || !extends_(nextControl, control)) {
      [experiment, control, sorted] = [[], [], new Float64Array(0)];
    }
    const fresh: number[] = [];
    // New experiment values against all control values, then all experiment values against new control values.
    for (let i = experiment.length; i < nextExperiment.length; i++) for (const y of nextControl) fresh.push(nextExperiment[i]! - y);
    for (let j = control.length; j < nextControl.length; j++) for (let i = 0; i < experiment.length; i++) fresh.push(experiment[i]! - nextControl[j]!);
    if (fresh.length > 0) sorted = merge(sorted, Float64Array.from(fresh).sort());
    experiment = [...nextExperiment];
    control = [...nextControl];
    return shiftFromSorted(sorted, experiment.length, control.length, confidence);
  };
}

function merge(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = a[i]! <= b[j]! ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}
