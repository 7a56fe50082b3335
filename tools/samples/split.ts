import { createRandom, shuffled } from '../random.js';

/** Indices of a train/test split. */
export interface Split {
  train: number[];
  test: number[];
}

/**
 * Stratified, seeded split: each class contributes `round(testFraction * classSize)` rows to the test set,
 * so the class mix of both halves matches the data. Indices come back in ascending order.
 */
export function stratifiedSplit(labels: readonly number[], testFraction: number, seed: number): Split {
  const random = createRandom(seed);
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const train: number[] = [];
  const test: number[] = [];
  for (const cls of classes) {
    const members = shuffled(
      labels.flatMap((label, index) => (label === cls ? [index] : [])),
      random,
    );
    const testCount = Math.round(testFraction * members.length);
    test.push(...members.slice(0, testCount));
    train.push(...members.slice(testCount));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
