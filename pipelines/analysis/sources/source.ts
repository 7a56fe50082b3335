import type { Snapshot } from '../types.js';

/** Where snapshots come from: `t` is the analysis time (seconds) to stamp on the snapshot. */
export interface MetricSource {
  snapshot(t: number): Promise<Snapshot>;
}
