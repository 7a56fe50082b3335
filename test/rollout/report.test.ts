import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { histogramQuantile, latencySeries } from '../../rollout/report/series.js';
import { writeRolloutReports } from '../../rollout/report/write.js';
import type { ArmSnapshot, Verdict } from '../../rollout/judge-port.js';
import type { RolloutRecordBook } from '../../rollout/timeline.js';

const buckets = [0.005, 0.01, 0.025, 0.05, 0.1];
function arm(n: number, slow: boolean, errors = 0): ArmSnapshot {
  const counts = slow ? [0, 0, n * 0.2, n * 0.7, n] : [n * 0.3, n * 0.8, n, n, n];
  return { requests: n, errors, latency: { buckets, counts, count: n }, predictions: { Adelie: n * 0.45, Chinstrap: n * 0.2, Gentoo: n * 0.35 } };
}
const verdict = (decision: Verdict['decision'], sentence: string): Verdict => ({
  decision,
  reasons: [sentence],
  t: 0,
  metrics: [{ name: 'latency p50', kind: 'latency', status: decision === 'rollback' ? 'fail' : 'inconclusive', critical: true, statistic: { name: 'e', value: 1, threshold: 100 }, estimate: 1.5, lower: 1.2, upper: 1.9, unit: 'relative', confidence: 0.95, tolerance: 0.1, samples: { baseline: 200, canary: 200 }, sentence }],
});

const book: RolloutRecordBook = {
  id: 'penguins-3-20250101-000000-abcd',
  model: 'penguins',
  fromVersion: '2',
  toVersion: '3',
  startedAt: '2025-01-01T00:00:00.000Z',
  endedAt: '2025-01-01T00:00:30.000Z',
  outcome: 'rolled-back',
  reason: 'canary analysis: canary p50 latency +150% <worse>',
  switchMs: 2,
  policy: { steps: [10, 50], intervalMs: 2_000, minStepRequests: 10, readyTimeoutMs: 60_000, analysisTimeoutMs: 60_000 },
  source: 'scrape',
  samples: [
    { t: 12, step: 0, weights: { stable: 80, baseline: 10, canary: 10 }, answered: { stable: 80, baseline: 10, canary: 10 }, snapshot: { t: 2, baseline: arm(100, false), canary: arm(100, true) }, verdict: verdict('continue', 'no decision yet') },
    { t: 14, step: 0, weights: { stable: 80, baseline: 10, canary: 10 }, answered: { stable: 160, baseline: 20, canary: 20 }, snapshot: null, verdict: null, sourceError: 'connect ECONNREFUSED' },
    { t: 16, step: 1, weights: { stable: 0, baseline: 50, canary: 50 }, answered: { stable: 160, baseline: 120, canary: 120 }, snapshot: { t: 6, baseline: arm(200, false), canary: arm(200, true, 3) }, verdict: verdict('rollback', 'canary p50 latency +150% (95% bounds +120%..+190%) after 200 requests') },
  ],
  events: [
    { t: 0, kind: 'started', message: 'started canary and baseline' },
    { t: 10, kind: 'step', message: 'step 1/2', weights: { stable: 80, baseline: 10, canary: 10 } },
    { t: 15, kind: 'step', message: 'step 2/2', weights: { stable: 0, baseline: 50, canary: 50 } },
    { t: 16.5, kind: 'rolled-back', message: 'rolled back' },
  ],
};

describe('rollout reports', () => {
  it('estimates quantiles from cumulative buckets like histogram_quantile', () => {
    expect(histogramQuantile(0.5, [1, 2, 4], [0, 10, 10], 10)).toBe(1.5);
    expect(histogramQuantile(0.5, [1, 2], [0, 0], 0)).toBeNull();
    expect(histogramQuantile(0.99, [1, 2], [5, 5], 10)).toBe(2);
  });

  it('computes per-interval latency per arm, the canary slower here', () => {
    const p50 = latencySeries(book, 0.5);
    expect(p50.canary).toHaveLength(2);
    expect(p50.canary[0]![1]).toBeGreaterThan(p50.baseline[0]![1]);
  });

  it('writes a Markdown and a self-contained HTML report with charts and verdict sentences', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keelson-reports-'));
    const paths = writeRolloutReports(book, dir);
    expect(paths.markdown).toBe(join(dir, `${book.id}.md`));
    const md = readFileSync(paths.markdown, 'utf8');
    expect(md).toContain('# Rollout penguins-3-20250101-000000-abcd: penguins:2 → penguins:3');
    expect(md).toContain('**ROLLED BACK: canary analysis: canary p50 latency +150% <worse>**');
    expect(md).toContain('- canary p50 latency +150% (95% bounds +120%..+190%) after 200 requests');
    expect(md).toContain('| 14.0s | 1/2 | 10% | no data | metric source failed: connect ECONNREFUSED |');
    expect(md).toMatch(/\| canary \| 200 \| 3 \| 1\.50% \|/);

    const html = readFileSync(paths.html, 'utf8');
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain('Latency per arm');
    expect(html).toContain('Predicted-class mix per arm');
    expect(html).toContain('Traffic weights');
    expect(html).toContain('canary p50 latency +150% &lt;worse&gt;');
    expect(html).not.toMatch(/<script|<link|src="http|href="http|@import/);
  });
});
