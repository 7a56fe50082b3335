import { createShiftTracker } from '../stats/mann-whitney.js';
import { duration, quantileName } from '../format.js';
import type { JudgeEngine } from '../engine.js';
import type { JudgePolicy } from '../policy.js';
import type { MetricKind, MetricResult } from '../types.js';
import { classShares, createIntervalSeries, errorRates, latencyValues } from './series.js';

type Direction = 'increase' | 'either';

interface KayentaMetric {
  name: string;
  kind: MetricKind;
  direction: Direction;
  critical: boolean;
  canary: number[];
  baseline: number[];
  show: (x: number) => string;
}

const asShift = (x: number): string => `${x < 0 ? '−' : '+'}${Math.abs(x * 100).toFixed(2)} pts`;
const signedDuration = (x: number): string => `${x < 0 ? '−' : '+'}${duration(Math.abs(x))}`;
const bound = (x: number, show: (x: number) => string): string => (Number.isFinite(x) ? show(x) : x > 0 ? '+∞' : '−∞');

/**
 * Kayenta's judge, for comparison and for users migrating: every metric is a series of per-interval values per arm;
 * a Mann–Whitney interval (confidence 0.98) for the shift classifies it High when the lower bound exceeds
 * tolerance × |Hodges–Lehmann estimate| (Low symmetrically), else Pass. Score = weighted mean over the groups
 * (latency, errors, predictions) of 100 × Pass / classified; a critical metric that is High or Low scores 0.
 * A look with score ≤ marginal rolls back; at the end, score ≥ pass promotes and anything else rolls back.
 */
export function createKayentaEngine(policy: JudgePolicy): JudgeEngine {
  const settings = policy.kayenta;
  const { latency, errors, predictions } = policy.metrics;
  const series = createIntervalSeries(latency.quantiles);
  const trackers = new Map<string, ReturnType<typeof createShiftTracker>>();
  const shift = (name: string, canary: number[], baseline: number[]) => {
    let tracker = trackers.get(name);
    if (!tracker) trackers.set(name, (tracker = createShiftTracker()));
    return tracker(canary, baseline, settings.confidence);
  };

  function definitions(): KayentaMetric[] {
    const { baseline, canary } = series.arms;
    const list: KayentaMetric[] = [];
    if (latency.enabled) {
      for (const q of latency.quantiles) {
        list.push({ name: `latency ${quantileName(q)}`, kind: 'latency', direction: 'increase', critical: latency.critical, canary: latencyValues(canary, q), baseline: latencyValues(baseline, q), show: signedDuration });
      }
    }
    if (errors.enabled) {
      list.push({ name: 'error rate', kind: 'errors', direction: 'increase', critical: errors.critical, canary: errorRates(canary), baseline: errorRates(baseline), show: asShift });
    }
    if (predictions.enabled) {
      const labels = new Set([...baseline, ...canary].flatMap((v) => Object.keys(v.predictions)));
      for (const label of [...labels].sort()) {
        list.push({ name: `share of ${label}`, kind: 'predictions', direction: 'either', critical: predictions.critical, canary: classShares(canary, label), baseline: classShares(baseline, label), show: asShift });
      }
    }
    return list;
  }

  function classify(metric: KayentaMetric): MetricResult {
    const samples = { baseline: metric.baseline.length, canary: metric.canary.length };
    const common = { name: metric.name, kind: metric.kind, critical: metric.critical, unit: 'shift' as const, confidence: settings.confidence, tolerance: settings.tolerance, samples };
    if (samples.baseline < settings.minIntervals || samples.canary < settings.minIntervals) {
      const sentence = `${metric.name}: NoData (${samples.canary} canary and ${samples.baseline} baseline intervals, need ${settings.minIntervals})`;
      return { ...common, status: 'no-data', statistic: { name: 'Mann-Whitney', value: 0, threshold: 0 }, estimate: null, lower: null, upper: null, sentence };
    }
    const sortedEqual = sameValues(metric.canary, metric.baseline);
    const mw = sortedEqual ? { estimate: 0, lower: 0, upper: 0 } : shift(metric.name, metric.canary, metric.baseline);
    const critical = settings.tolerance * Math.abs(mw.estimate);
    const high = mw.lower > critical;
    const low = metric.direction === 'either' && mw.upper < -critical;
    const label = high ? 'High' : low ? 'Low' : 'Pass';
    const unit = metric.kind === 'latency' ? 'seconds' : 'shift';
    return {
      ...common,
      unit,
      status: high || low ? 'fail' : 'pass',
      statistic: { name: low ? 'Mann-Whitney upper bound vs −tolerance×|estimate|' : 'Mann-Whitney lower bound vs tolerance×|estimate|', value: low ? mw.upper : mw.lower, threshold: low ? -critical : critical },
      estimate: mw.estimate,
      lower: Number.isFinite(mw.lower) ? mw.lower : null,
      upper: Number.isFinite(mw.upper) ? mw.upper : null,
      sentence:
        `${metric.name}: canary − baseline ${metric.show(mw.estimate)} (${Math.round(settings.confidence * 100)}% interval ` +
        `${bound(mw.lower, metric.show)}..${bound(mw.upper, metric.show)} over ${samples.canary} intervals): ${label}`,
    };
  }

  function score(metrics: MetricResult[]): number {
    if (metrics.some((m) => m.critical && m.status === 'fail')) return 0;
    let weighted = 0;
    let weights = 0;
    for (const kind of ['latency', 'errors', 'predictions'] as const) {
      const classified = metrics.filter((m) => m.kind === kind && m.status !== 'no-data');
      if (classified.length === 0) continue;
      const w = settings.weights[kind];
      weighted += (w * 100 * classified.filter((m) => m.status === 'pass').length) / classified.length;
      weights += w;
    }
    return weights > 0 ? weighted / weights : 0;
  }

  return {
    observe: series.observe,
    metrics: () => definitions().map(classify),
    decide(metrics, _current, final) {
      const noData = metrics.filter((m) => m.status === 'no-data').length;
      const sentences = metrics.map((m) => m.sentence);
      if (noData * 2 >= metrics.length) {
        const why = `${noData} of ${metrics.length} metrics have no data yet`;
        return final ? { decision: policy.noDataDecision, reasons: [`end of analysis without enough data: ${why}`, ...sentences] } : { decision: 'continue', reasons: [`waiting: ${why}`, ...sentences] };
      }
      const s = Math.round(score(metrics) * 10) / 10;
      const failing = metrics.filter((m) => m.status === 'fail').map((m) => m.sentence);
      if (s <= settings.marginalScore) return { decision: 'rollback', reasons: [`kayenta score ${s} ≤ marginal ${settings.marginalScore}`, ...failing] };
      if (!final) return { decision: 'continue', reasons: [`kayenta score ${s}`, ...sentences] };
      if (s >= settings.passScore) return { decision: 'promote', reasons: [`kayenta score ${s} ≥ pass ${settings.passScore}`, ...sentences] };
      return { decision: 'rollback', reasons: [`kayenta score ${s} is marginal (between ${settings.marginalScore} and ${settings.passScore}) at the end of the analysis`, ...failing] };
    },
  };
}

/** Whether two samples hold the same values (Kayenta passes identical data without a test). */
function sameValues(a: number[], b: number[]): boolean {
  if (a.length !== b.length || a.reduce((s, v) => s + v, 0) !== b.reduce((s, v) => s + v, 0)) return false;
  const x = Float64Array.from(a).sort();
  const y = Float64Array.from(b).sort();
  return x.every((v, i) => v === y[i]);
}
