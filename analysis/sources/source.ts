import type { ArmSnapshot, Snapshot } from '../types.js';

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

/** One arm as a source read it: its snapshot, or null and why. */
export interface ArmReading {
  snapshot: ArmSnapshot | null;
  why?: string;
}

/** The snapshot of two readings; `missing` only when a reading says why it has no data. */
export function snapshotOf(t: number, baseline: ArmReading, canary: ArmReading): Snapshot {
  const missing = { ...(baseline.why ? { baseline: baseline.why } : {}), ...(canary.why ? { canary: canary.why } : {}) };
  return { t, baseline: baseline.snapshot, canary: canary.snapshot, ...(Object.keys(missing).length ? { missing } : {}) };
}
