import type { RolloutRecordBook } from '../timeline.js';
import { classMix, errorRateSeries, latencySeries, weightSeries } from './series.js';
import { summarize } from './summary.js';
import { escapeXml as esc, lineChart, stackedBars } from './svg.js';

const COLORS = { baseline: '#4c78a8', canary: '#e45756', stable: '#54a24b' };
const CLASS_COLORS = ['#4c78a8', '#f58518', '#54a24b', '#b279a2', '#9d755d', '#72b7b2'];

/** The rollout report as one self-contained HTML page: inline CSS and SVG, no scripts, no external assets. */
export function renderHtml(book: RolloutRecordBook): string {
  const s = summarize(book);
  const endT = book.endedAt ? (Date.parse(book.endedAt) - Date.parse(book.startedAt)) / 1_000 : (book.samples.at(-1)?.t ?? 0);
  const p50 = latencySeries(book, 0.5);
  const p90 = latencySeries(book, 0.9);
  const errors = errorRateSeries(book);
  const weights = weightSeries(book, endT);
  const mix = classMix(book);
  const labels = [...new Set([...Object.keys(mix.baseline), ...Object.keys(mix.canary)])].sort();
  const charts = [
    lineChart({
      title: 'Latency per arm (per interval)',
      xLabel: 'seconds since the rollout started',
      yLabel: 'ms',
      series: [
        { name: 'baseline p50', color: COLORS.baseline, points: p50.baseline },
        { name: 'canary p50', color: COLORS.canary, points: p50.canary },
        { name: 'baseline p90', color: '#9ecae9', points: p90.baseline },
        { name: 'canary p90', color: '#ff9d98', points: p90.canary },
      ],
    }),
    lineChart({
      title: 'Error rate per arm (per interval)',
      xLabel: 'seconds since the rollout started',
      yLabel: '% of requests',
      series: [
        { name: 'baseline', color: COLORS.baseline, points: errors.baseline },
        { name: 'canary', color: COLORS.canary, points: errors.canary },
      ],
    }),
    stackedBars(
      'Predicted-class mix per arm',
      (['baseline', 'canary'] as const).map((arm) => ({
        name: arm,
        parts: labels.map((label, i) => ({ label, value: mix[arm][label] ?? 0, color: CLASS_COLORS[i % CLASS_COLORS.length]! })),
      })),
    ),
    lineChart({
      title: 'Traffic weights',
      xLabel: 'seconds since the rollout started',
      yLabel: '% of traffic',
      yMax: 100,
      series: (['stable', 'canary', 'baseline'] as const).map((v) => ({ name: v, color: COLORS[v], points: weights[v], step: true, dashed: v === 'baseline' })),
    }),
  ];
  const outcomeClass = book.outcome === 'promoted' ? 'ok' : 'bad';
  const rows = (cells: string[][]): string => cells.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(s.title)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.35rem; } h2 { font-size: 1.1rem; margin-top: 2rem; }
.outcome { padding: .6rem .9rem; border-radius: 6px; font-weight: 600; }
.ok { background: #e6f4ea; color: #1e6b34; } .bad { background: #fdecea; color: #8a1c12; }
table { border-collapse: collapse; margin: .5rem 0; } td, th { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; vertical-align: top; }
.charts svg { display: block; margin: 1rem 0; max-width: 100%; height: auto; }
</style>
</head>
<body>
<h1>${esc(s.title)}</h1>
<p class="outcome ${outcomeClass}">${esc(s.outcomeLine)}</p>
<table>${rows(s.facts)}</table>
<h2>Arms (cumulative since the analysis started)</h2>
<table><tr><th>Arm</th><th>Requests</th><th>Errors</th><th>Error rate</th><th>p50</th><th>p90</th><th>Predicted classes</th></tr>
${rows(s.armRows.map((r) => [r.arm, String(r.requests), String(r.errors), r.errorRate, r.p50, r.p90, r.mix]))}</table>
<h2>Last verdict, metric by metric</h2>
<ul>${s.sentences.length ? s.sentences.map((x) => `<li>${esc(x)}</li>`).join('') : '<li>The judge never got data.</li>'}</ul>
<h2>Charts</h2>
<div class="charts">${charts.join('\n')}</div>
<h2>Verdicts</h2>
<table><tr><th>t</th><th>Step</th><th>Canary weight</th><th>Decision</th><th>Reasons</th></tr>
${rows(s.verdictRows.map((v) => [v.t, v.step, v.canaryWeight, v.decision, v.reason]))}</table>
<h2>Timeline</h2>
<table>${rows(s.events.map((e) => [e.t, e.message]))}</table>
</body>
</html>
`;
}
