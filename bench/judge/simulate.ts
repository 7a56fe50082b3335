import type { ArmSnapshot, Snapshot } from '../../analysis/index.js';
import { createRandom, type Random } from './random.js';

/**
 * Canary scenarios with shared non-stationary load: traffic swings by ±50% over the window and wanders, the latency
 * of both arms drifts with load and on its own, error rates follow load, and the input class mix moves by a few
 * points. Only the differences a scenario names separate the canary from the baseline.
 */

/** The latency buckets of the service's `http_request_duration_seconds` histogram. */
const SERVICE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LABELS = ['Adelie', 'Chinstrap', 'Gentoo'];
/** Class mix of the penguins data (146 / 68 / 119 rows). */
const CLASS_MIX = [0.44, 0.2, 0.36];

/** How the canary differs from the baseline. */
export interface CanaryEffect {
  /** Canary latency = factor × baseline latency (1.25: median +25%). */
  latencyFactor: number;
  baselineErrorRate: number;
  canaryErrorRate: number;
  /** Share of canary requests made `tailFactor` times slower (0.02 with 10: the slowest 2% ten times slower). */
  tailShare: number;
  tailFactor: number;
  /** Share of predictions moved from Adelie to Gentoo in the canary (0.15 = 15 points). */
  classShift: number;
}

export interface SimulationOptions {
  snapshots: number;
  /** Mean requests per arm per snapshot. */
  requestsPerArm: number;
  /** Seconds between snapshots (only labels `t`). */
  interval: number;
  /** Median latency of the baseline at average load, in seconds. */
  medianLatency: number;
  /** Log-scale spread of latency. */
  latencySigma: number;
}

const DEFAULT_SIMULATION: SimulationOptions = { snapshots: 30, requestsPerArm: 60, interval: 10, medianLatency: 0.002, latencySigma: 0.35 };

export const NO_EFFECT: CanaryEffect = { latencyFactor: 1, baselineErrorRate: 0.002, canaryErrorRate: 0.002, tailShare: 0, tailFactor: 1, classShift: 0 };

interface Arm {
  requests: number;
  errors: number;
  bucketCounts: number[];
  predictions: number[];
}

function latencySample(random: Random, median: number, sigma: number): number {
  const body = median * Math.exp(sigma * random.normal());
  // A few slow requests (GC pauses, cold caches) give the distribution a realistic tail.
  return random.uniform() < 0.03 ? body * Math.exp(Math.abs(random.normal())) : body;
}

function record(arm: Arm, latency: number, error: boolean, label: number): void {
  arm.requests++;
  if (error) arm.errors++;
  else arm.predictions[label]!++;
  const first = SERVICE_BUCKETS.findIndex((b) => latency <= b);
  if (first >= 0) for (let i = first; i < SERVICE_BUCKETS.length; i++) arm.bucketCounts[i]!++;
}

function snapshotOf(arm: Arm): ArmSnapshot {
  return {
    requests: arm.requests,
    errors: arm.errors,
    latency: { buckets: SERVICE_BUCKETS, counts: [...arm.bucketCounts], count: arm.requests },
    predictions: Object.fromEntries(LABELS.map((l, i) => [l, arm.predictions[i]!])),
  };
}

/** Generates one scenario's cumulative snapshots (deterministic for a seed). */
export function simulate(effect: CanaryEffect, seed: number, options: Partial<SimulationOptions> = {}): Snapshot[] {
  const o = { ...DEFAULT_SIMULATION, ...options };
  const random = createRandom(seed);
  const fresh = (): Arm => ({ requests: 0, errors: 0, bucketCounts: SERVICE_BUCKETS.map(() => 0), predictions: LABELS.map(() => 0) });
  const baseline = fresh();
  const canary = fresh();
  const phase = random.uniform() * 2 * Math.PI;
  let wander = 0;
  let drift = 0;
  const snapshots: Snapshot[] = [];
  for (let i = 0; i < o.snapshots; i++) {
    wander = 0.8 * wander + 0.15 * random.normal();
    drift += 0.03 * random.normal();
    const load = Math.max(0.2, (1 + 0.5 * Math.sin(phase + (2 * Math.PI * i) / o.snapshots)) * Math.exp(wander));
    const median = o.medianLatency * Math.sqrt(load) * Math.exp(drift);
    const errorScale = 0.5 + 0.5 * load;
    const mixShift = 0.05 * Math.sin(phase * 1.7 + i / 4);
    const mix = [CLASS_MIX[0]! + mixShift, CLASS_MIX[1]!, CLASS_MIX[2]! - mixShift];
    const requests = random.poisson(2 * o.requestsPerArm * load);
    for (let r = 0; r < requests; r++) {
      const isCanary = random.uniform() < 0.5;
      // Only tail scenarios draw for the tail, so every other scenario keeps its recorded draws.
      const slowed = isCanary && effect.tailShare > 0 && random.uniform() < effect.tailShare;
      const factor = (isCanary ? effect.latencyFactor : 1) * (slowed ? effect.tailFactor : 1);
      const errorRate = (isCanary ? effect.canaryErrorRate : effect.baselineErrorRate) * errorScale;
      const shift = isCanary ? effect.classShift : 0;
      const u = random.uniform();
      const label = u < mix[0]! - shift ? 0 : u < mix[0]! + mix[1]! - shift ? 1 : 2;
      record(isCanary ? canary : baseline, factor * latencySample(random, median, o.latencySigma), random.uniform() < errorRate, label);
    }
    snapshots.push({ t: (i + 1) * o.interval, baseline: snapshotOf(baseline), canary: snapshotOf(canary) });
  }
  return snapshots;
}
