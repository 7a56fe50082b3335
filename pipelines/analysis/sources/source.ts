import type { Snapshot } from '../types.js';

/** Where snapshots come from: `t` is the analysis time (seconds) to stamp on the snapshot. */
export interface MetricSource {
  snapshot(t: number): Promise<Snapshot>;
}

/** A fetch or parse failure in one line: undici hides the socket error ("connect ECONNREFUSED …") in `cause`. */
export function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return 'no answer within the timeout';
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
