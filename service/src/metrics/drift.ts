import type { FeatureReference } from '../manifest.js';

/** Smoothing for empty bins, so PSI stays finite when a bin is empty on either side. */
const EPSILON = 1e-4;

/** Bin of `value` under `edges`: the number of edges `<= value` (the sample trainer bins its references with it too). */
export function binIndex(edges: readonly number[], value: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Population stability index Σ (a − e) · ln(a / e) of observed bin counts against expected fractions. */
export function populationStabilityIndex(expected: readonly number[], counts: readonly number[], total: number): number {
  let psi = 0;
  expected.forEach((e, i) => {
    const a = Math.max((counts[i] ?? 0) / total, EPSILON);
    const r = Math.max(e, EPSILON);
    psi += (a - r) * Math.log(a / r);
  });
  return psi;
}

interface FeatureWindow {
  name: string;
  column: number;
  reference: FeatureReference;
  bins: Uint16Array;
  counts: number[];
}

/**
 * The most recent `size` input rows of one model version, kept as bin indices per feature (bounded memory),
 * and their PSI against the manifest's training reference. Below `minRows` rows there is no estimate: PSI
 * of a handful of rows is mostly noise.
 */
export class DriftWindow {
  private readonly features: FeatureWindow[];
  private next = 0;
  private filled = 0;
  /** Rows needed before PSI is published (never more than the window holds). */
  readonly minRows: number;

  constructor(
    columns: readonly string[],
    reference: Record<string, FeatureReference>,
    readonly size = 1000,
    minRows = 100,
  ) {
    this.minRows = Math.min(minRows, size);
    this.features = columns.flatMap((name, column) => {
      const ref = reference[name];
      return ref ? [{ name, column, reference: ref, bins: new Uint16Array(size), counts: new Array<number>(ref.fractions.length).fill(0) }] : [];
    });
  }

  /** Adds row-major rows of `width` columns. */
  addRows(data: ArrayLike<number>, rows: number, width: number): void {
    for (let r = 0; r < rows; r++) {
      const evict = this.filled === this.size;
      for (const feature of this.features) {
        if (evict) feature.counts[feature.bins[this.next]!]!--;
        const bin = binIndex(feature.reference.edges, Number(data[r * width + feature.column]));
        feature.bins[this.next] = bin;
        feature.counts[bin]!++;
      }
      this.next = (this.next + 1) % this.size;
      if (!evict) this.filled++;
    }
  }

  /** Rows currently in the window. */
  get rows(): number {
    return this.filled;
  }

  /** PSI per feature, or an empty list while the window holds fewer than `minRows` rows. */
  psi(): { feature: string; value: number }[] {
    if (this.filled < this.minRows) return [];
    return this.features.map((f) => ({ feature: f.name, value: populationStabilityIndex(f.reference.fractions, f.counts, this.filled) }));
  }
}
