/** Small inline-SVG chart builders for the rollout report: no scripts, no external assets. */

export interface LineSeries {
  name: string;
  color: string;
  points: Array<[number, number]>;
  /** Draw as a step function (weights) instead of straight segments. */
  step?: boolean;
  /** Dashed, so a series lying on top of another stays visible. */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  width?: number;
  height?: number;
  /** Fixed y range; default from the data (starting at 0). */
  yMax?: number;
}

const MARGIN = { left: 56, right: 16, top: 28, bottom: 40 };

/** Escapes text for HTML and SVG. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((m) => m * magnitude >= value) ?? 10;
  return step * magnitude;
}

function tickLabel(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(value < 1 ? 2 : 1);
}

/** A line (or step) chart with axes, grid, ticks and a legend. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 640;
  const height = options.height ?? 240;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const all = options.series.flatMap((s) => s.points);
  const xMax = niceMax(Math.max(1, ...all.map((p) => p[0])));
  const yMax = options.yMax ?? niceMax(Math.max(0, ...all.map((p) => p[1])) * 1.1);
  const x = (v: number): number => MARGIN.left + (v / xMax) * plotW;
  const y = (v: number): number => MARGIN.top + plotH - (Math.min(v, yMax) / yMax) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.title)}">`);
  parts.push(`<text x="${MARGIN.left}" y="18" font-size="13" font-weight="600">${escapeXml(options.title)}</text>`);
  for (let i = 0; i <= 4; i++) {
    const value = (yMax * i) / 4;
    parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(value) + 4}" font-size="10" text-anchor="end">${tickLabel(value)}</text>`);
    const xv = (xMax * i) / 4;
    parts.push(`<text x="${x(xv)}" y="${height - MARGIN.bottom + 14}" font-size="10" text-anchor="middle">${tickLabel(xv)}</text>`);
  }
  parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#888"/>`);
  parts.push(`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#888"/>`);
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 6}" font-size="11" text-anchor="middle">${escapeXml(options.xLabel)}</text>`);
  parts.push(`<text x="12" y="${MARGIN.top + plotH / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${MARGIN.top + plotH / 2})">${escapeXml(options.yLabel)}</text>`);
  options.series.forEach((series, index) => {
    if (series.points.length > 0) {
      const path = series.points
        .map(([px, py], i) => {
          if (i === 0) return `M${x(px).toFixed(1)},${y(py).toFixed(1)}`;
          return series.step ? `H${x(px).toFixed(1)}V${y(py).toFixed(1)}` : `L${x(px).toFixed(1)},${y(py).toFixed(1)}`;
        })
        .join('');
      parts.push(`<path d="${path}" fill="none" stroke="${series.color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      if (!series.step) for (const [px, py] of series.points) parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="2.5" fill="${series.color}"/>`);
    }
    const lx = width - MARGIN.right - 110;
    const ly = MARGIN.top + 4 + index * 14;
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="3" fill="${series.color}"/><text x="${lx + 14}" y="${ly + 4}" font-size="10">${escapeXml(series.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

export interface BarRow {
  name: string;
  parts: Array<{ label: string; value: number; color: string }>;
}

/** Horizontal 100%-stacked bars, one per row (the predicted-class mix per arm). */
export function stackedBars(title: string, rows: BarRow[], width = 640): string {
  const rowH = 26;
  const height = 40 + rows.length * (rowH + 10) + 24;
  const left = 80;
  const plotW = width - left - 16;
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}">`];
  parts.push(`<text x="${left}" y="18" font-size="13" font-weight="600">${escapeXml(title)}</text>`);
  rows.forEach((row, r) => {
    const total = row.parts.reduce((a, p) => a + p.value, 0);
    const top = 32 + r * (rowH + 10);
    parts.push(`<text x="${left - 8}" y="${top + rowH / 2 + 4}" font-size="11" text-anchor="end">${escapeXml(row.name)}</text>`);
    if (total === 0) {
      parts.push(`<text x="${left}" y="${top + rowH / 2 + 4}" font-size="11" fill="#888">no predictions recorded</text>`);
      return;
    }
    let offset = 0;
    for (const part of row.parts) {
      const w = (part.value / total) * plotW;
      const pct = (100 * part.value) / total;
      parts.push(`<rect x="${(left + offset).toFixed(1)}" y="${top}" width="${w.toFixed(1)}" height="${rowH}" fill="${part.color}"><title>${escapeXml(`${part.label}: ${part.value} (${pct.toFixed(1)}%)`)}</title></rect>`);
      if (w > 60) parts.push(`<text x="${(left + offset + 4).toFixed(1)}" y="${top + rowH / 2 + 4}" font-size="10" fill="#fff">${escapeXml(`${part.label} ${pct.toFixed(1)}%`)}</text>`);
      offset += w;
    }
  });
  parts.push('</svg>');
  return parts.join('');
}
