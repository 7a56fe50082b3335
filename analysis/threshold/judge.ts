import { histogramIncrement, histogramQuantile } from '../histogram.js';
import { duration, percent, quantileName } from '../format.js';
import type { JudgeEngine } from '../engine.js';
import type { JudgePolicy } from '../policy.js';
import type { MetricResult } from '../types.js';

interface IntervalCheck {
  errorRate: number | null;
  latency: number | null;
  errorsFailed: boolean;
  latencyFailed: boolean;
}

/**
 * Flagger's analysis, for comparison and for users migrating: every interval, the canary alone is checked against
 * absolute bounds (error rate ≤ maxErrorRate, latency quantile ≤ maxLatencySeconds); an interval without values
 * fails too. Failed intervals accumulate and never reset; `failedChecks` of them roll back. At the end of the
 * window the canary is promoted if it has not rolled back. The baseline is ignored, and class mix is not checked.
 */
export function createThresholdEngine(policy: JudgePolicy): JudgeEngine {
  const bounds = policy.threshold;
  const { latency, errors } = policy.metrics;
  const checks: IntervalCheck[] = [];
  let failed = 0;

  function metricsNow(): MetricResult[] {
    const last = checks[checks.length - 1];
    const list: MetricResult[] = [];
    const common = { confidence: 1, samples: { baseline: 0, canary: checks.length } };
    const statistic = { name: 'failed interval checks', value: failed, threshold: bounds.failedChecks };
    const tally = `${failed} of ${bounds.failedChecks} failed checks`;
    if (errors.enabled) {
      const value = last?.errorRate ?? null;
      const sentence = value === null ? `canary error rate: no values in the last interval (a failed check); ${tally}` : `canary error rate ${percent(value)} in the last interval (max ${percent(bounds.maxErrorRate)}); ${tally}`;
      list.push({ ...common, name: 'errors', kind: 'errors', critical: errors.critical, status: last ? (last.errorsFailed ? 'fail' : 'pass') : 'no-data', statistic, estimate: value, lower: null, upper: null, unit: 'rate', tolerance: bounds.maxErrorRate, sentence });
    }
    if (latency.enabled) {
      const value = last?.latency ?? null;
      const name = quantileName(bounds.latencyQuantile);
      const sentence = value === null ? `canary ${name} latency: no values in the last interval (a failed check); ${tally}` : `canary ${name} latency ${duration(value)} in the last interval (max ${duration(bounds.maxLatencySeconds)}); ${tally}`;
      list.push({ ...common, name: 'latency', kind: 'latency', critical: latency.critical, status: last ? (last.latencyFailed ? 'fail' : 'pass') : 'no-data', statistic, estimate: value, lower: null, upper: null, unit: 'seconds', tolerance: bounds.maxLatencySeconds, sentence });
    }
    return list;
  }

  return {
    observe(previous, current) {
      const before = previous?.canary ?? null;
      const requests = current.canary.requests - (before?.requests ?? 0);
      const errorRate = requests > 0 ? Math.max(0, current.canary.errors - (before?.errors ?? 0)) / requests : null;
      const q = histogramQuantile(histogramIncrement(current.canary.latency, before?.latency ?? null), bounds.latencyQuantile);
      const check: IntervalCheck = {
        errorRate,
        latency: q,
        errorsFailed: errors.enabled && (errorRate === null || errorRate > bounds.maxErrorRate),
        latencyFailed: latency.enabled && (q === null || q > bounds.maxLatencySeconds),
      };
      checks.push(check);
      if (check.errorsFailed || check.latencyFailed) failed++;
    },
    metrics: metricsNow,
    decide(metrics, _current, final) {
      const sentences = metrics.map((m) => m.sentence);
      if (failed >= bounds.failedChecks) return { decision: 'rollback', reasons: [`${failed} failed interval checks (limit ${bounds.failedChecks})`, ...sentences] };
      if (final) return { decision: 'promote', reasons: [`${failed} failed interval checks by the end of the analysis (limit ${bounds.failedChecks})`, ...sentences] };
      return { decision: 'continue', reasons: sentences };
    },
  };
}
