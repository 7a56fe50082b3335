import { createRandom } from '../../random.js';
import { GraphBuilder, int } from './graph-builder.js';

/** Size of the artificial workload a slow graph carries. */
export interface BusyWorkOptions {
  /** Side of the square matrices multiplied together. */
  size: number;
  /** Number of `Tanh(A · M)` steps; each costs `2 · size³` floating-point operations. */
  steps: number;
  seed: number;
}

/**
 * Appends a chain of matrix products whose result is an exact float zero that still depends on `input`.
 *
 * Graph optimisers delete nodes whose outputs are unused and fold nodes whose inputs are all constants,
 * so the chain starts from the request (`mean(tanh(input))`, bounded so the chain never overflows) and its
 * result is multiplied by 0 and added to the logits. `tanh` keeps every value in [-1, 1], so the product
 * with 0 is exactly ±0 and the predictions are bit-for-bit those of the graph without the chain.
 * The cost is per inference call and does not grow with the batch size.
 */
export function appendBusyWork(builder: GraphBuilder, input: string, options: BusyWorkOptions): string {
  const { size, steps } = options;
  const random = createRandom(options.seed);
  const scale = 1 / Math.sqrt(size);
  const matrix = builder.floats('busy_matrix', [size, size], Array.from({ length: size * size }, () => random.normal() * scale));
  const zero = builder.floats('busy_zero', [], [0]);
  const signal = builder.node('ReduceMean', [builder.node('Tanh', [input], 'busy_bounded')], 'busy_signal', { keepdims: int(0) });
  let state = builder.node('Add', [matrix, signal], 'busy_state_0');
  for (let step = 1; step <= steps; step++) {
    state = builder.node('Tanh', [builder.node('MatMul', [state, matrix], `busy_product_${step}`)], `busy_state_${step}`);
  }
  const summary = builder.node('ReduceMean', [state], 'busy_summary', { keepdims: int(0) });
  return builder.node('Mul', [summary, zero], 'busy_zero_result');
}
