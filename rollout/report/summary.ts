import { formatMs } from '../../contract/duration.js';
import type { Verdict } from '../judge-port.js';
import type { RolloutRecordBook } from '../timeline.js';
import { ARMS, armTotals, histogramQuantile, type Arm } from './series.js';

/** Facts both report formats show, computed once. */
export interface ReportSummary {
  title: string;
  outcomeLine: string;
  facts: Array<[string, string]>;
  armRows: Array<{ arm: Arm; requests: number; errors: number; errorRate: string; p50: string; p90: string; mix: string }>;
  verdictRows: Array<{ t: string; step: string; canaryWeight: string; decision: string; reason: string }>;
  sentences: string[];
  events: Array<{ t: string; message: string }>;
}

const seconds = (t: number): string => `${t.toFixed(1)}s`;

/** The sentences of the last verdict's metrics (what the judge said, with numbers). */
function metricSentences(verdict: Verdict | null | undefined): string[] {
  return (verdict?.metrics ?? []).map((m) => m.sentence);
}

export function summarize(book: RolloutRecordBook): ReportSummary {
  const outcome = book.outcome === 'promoted' ? 'PROMOTED' : book.outcome === 'rolled-back' ? 'ROLLED BACK' : 'UNFINISHED';
  const duration = book.endedAt ? formatMs(Date.parse(book.endedAt) - Date.parse(book.startedAt)) : 'running';
  const totals = armTotals(book);
  const lastVerdict = [...book.samples].reverse().find((s) => s.verdict)?.verdict ?? null;
  const ms = (v: number | null): string => (v === null ? '–' : `${(v * 1_000).toFixed(1)} ms`);
  return {
    title: `Rollout ${book.id}: ${book.model}:${book.fromVersion} → ${book.model}:${book.toVersion}`,
    outcomeLine: `${outcome}: ${book.reason ?? ''}`,
    facts: [
      ['Started', book.startedAt],
      ['Ended', book.endedAt ?? '–'],
      ['Duration', duration],
      ['Metric source', book.source],
      ['Steps (canary %, baseline the same)', book.policy.steps.join(', ')],
      ['Interval', formatMs(book.policy.intervalMs)],
      ['Min canary requests per step (minStepRequests)', String(book.policy.minStepRequests)],
      ...(book.decidedBy ? [['Decided by', book.decidedBy] as [string, string]] : []),
      ['Ready timeout / analysis timeout', `${formatMs(book.policy.readyTimeoutMs)} / ${formatMs(book.policy.analysisTimeoutMs)}`],
      ['Decision → traffic switched', book.switchMs === null ? '–' : `${book.switchMs} ms`],
      ['Judge looks', String(book.samples.length)],
    ],
    armRows: ARMS.map((arm) => {
      const counts = totals?.[arm];
      const lat = counts?.latency;
      const mixTotal = Object.values(counts?.predictions ?? {}).reduce((a, b) => a + b, 0);
      return {
        arm,
        requests: counts?.requests ?? 0,
        errors: counts?.errors ?? 0,
        errorRate: counts && counts.requests > 0 ? `${((100 * counts.errors) / counts.requests).toFixed(2)}%` : '–',
        p50: ms(lat ? histogramQuantile(0.5, lat.buckets, lat.counts, lat.count) : null),
        p90: ms(lat ? histogramQuantile(0.9, lat.buckets, lat.counts, lat.count) : null),
        mix: mixTotal > 0 ? Object.entries(counts!.predictions!).sort(([a], [b]) => a.localeCompare(b)).map(([label, n]) => `${label} ${((100 * n) / mixTotal).toFixed(1)}%`).join(', ') : '–',
      };
    }),
    verdictRows: book.samples.map((s) => ({
      t: seconds(s.t),
      step: s.step >= 0 ? `${s.step + 1}/${book.policy.steps.length}` : '–',
      canaryWeight: `${s.weights.canary}%`,
      decision: s.verdict?.decision ?? 'no data',
      reason: s.verdict ? s.verdict.reasons.join('; ') : `metric source failed: ${s.sourceError ?? 'unknown'}`,
    })),
    sentences: metricSentences(lastVerdict),
    events: book.events.map((e) => ({ t: seconds(e.t), message: e.message })),
  };
}
