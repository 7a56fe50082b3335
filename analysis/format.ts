/** Number formatting for verdict sentences: people read these, so round and group digits. */

/** 1240 → "1,240". */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** 0.234 → "+23%", −0.05 → "−5%"; small values keep one decimal. */
export function signedPercent(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+∞%' : '−∞%';
  const p = x * 100;
  const digits = Math.abs(p) < 10 ? 1 : 0;
  const text = Math.abs(p).toFixed(digits).replace(/\.0$/, '');
  return `${p < 0 ? '−' : '+'}${text}%`;
}

/** 0.0213 → "2.13%". */
export function percent(x: number): string {
  const p = x * 100;
  const text = p.toFixed(p !== 0 && Math.abs(p) < 1 ? 2 : 1);
  return `${text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text}%`;
}

/** 10.42 → "×10.4"; Infinity → "×∞". */
export function times(x: number): string {
  if (!Number.isFinite(x)) return '×∞';
  return `×${x >= 10 ? x.toFixed(0) : x.toFixed(x >= 1 ? 2 : 3).replace(/0+$/, '').replace(/\.$/, '')}`;
}

/** Seconds → "12.3 ms" or "1.20 s". */
export function duration(seconds: number): string {
  if (Math.abs(seconds) < 1) return `${(seconds * 1000).toFixed(Math.abs(seconds) < 0.01 ? 2 : 1)} ms`;
  return `${seconds.toFixed(2)} s`;
}

/** 0.5 → "p50", 0.999 → "p99.9". */
export function quantileName(q: number): string {
  return `p${Number((q * 100).toFixed(2))}`;
}
