/**
 * PromQL building blocks shared by dashboards and rules. Plain string functions: what they return is what
 * Prometheus executes, and the tests run every one of them against a real Prometheus.
 */

/** A label matcher such as `route=~"/v2/.*"`; the value is written as a PromQL string literal. */
export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** `label="value"`. */
export const eq = (label: string, value: string): Matcher => ({ label, op: '=', value });
/** `label=~"regex"` (Prometheus regexes are fully anchored). */
export const re = (label: string, value: string): Matcher => ({ label, op: '=~', value });
/** `label!="value"`. */
export const ne = (label: string, value: string): Matcher => ({ label, op: '!=', value });

/** `metric{matchers}`. */
export function series(metric: string, matchers: Matcher[] = []): string {
  if (matchers.length === 0) return metric;
  const body = matchers.map((m) => `${m.label}${m.op}${stringLiteral(m.value)}`).join(', ');
  return `${metric}{${body}}`;
}

/** `rate(metric{matchers}[window])`, or `rate(metric{matchers}[window] offset o)` looking back `offset`. */
export function rate(metric: string, matchers: Matcher[], window: string, offset?: string): string {
  return `rate(${series(metric, matchers)}[${window}]${offset ? ` offset ${offset}` : ''})`;
}

/** `sum by (labels) (expr)`; `sum (expr)` when no labels are given. */
export function sumBy(labels: readonly string[], expr: string): string {
  return labels.length === 0 ? `sum(${expr})` : `sum by (${labels.join(', ')}) (${expr})`;
}

/** `max by (labels) (expr)`. */
export function maxBy(labels: readonly string[], expr: string): string {
  return `max by (${labels.join(', ')}) (${expr})`;
}

/**
 * The share `part / total`, aggregated by `labels`, that is 0 rather than absent when `part` has no series
 * (no errors yet, no cache hits yet): `(part or 0 * total) / total`.
 */
export function share(part: string, total: string, labels: readonly string[]): string {
  const totalSum = sumBy(labels, total);
  return `(${sumBy(labels, part)} or 0 * ${totalSum}) / ${totalSum}`;
}

/** `histogram_quantile(q, sum by (le, labels) (rate(metric_bucket{matchers}[window])))`. */
export function quantile(q: number, histogram: string, matchers: Matcher[], labels: readonly string[], window: string): string {
  return `histogram_quantile(${q}, ${sumBy(['le', ...labels], rate(`${histogram}_bucket`, matchers, window))})`;
}

/** Mean of a histogram: `sum(rate(_sum)) / sum(rate(_count))`, aggregated by `labels`. */
export function histogramMean(histogram: string, matchers: Matcher[], labels: readonly string[], window: string): string {
  return `${sumBy(labels, rate(`${histogram}_sum`, matchers, window))} / ${sumBy(labels, rate(`${histogram}_count`, matchers, window))}`;
}

/**
 * Per-class share of a counter with a `label` label, by `labels`:
 * `sum by (labels, label) (rate) / ignoring(label) group_left sum by (labels) (rate)`.
 */
export function classShare(metric: string, matchers: Matcher[], labels: readonly string[], window: string, offset?: string): string {
  const counts = rate(metric, matchers, window, offset);
  return `${sumBy([...labels, 'label'], counts)} / ignoring(label) group_left ${sumBy(labels, counts)}`;
}

/**
 * Total-variation distance between two class mixes given as share expressions with identical label sets:
 * half the sum of absolute differences; a class present on one side only counts in full.
 */
export function totalVariation(sharesA: string, sharesB: string, labels: readonly string[]): string {
  return `0.5 * ${sumBy(labels, `abs((${sharesA}) - (${sharesB})) or (${sharesA}) or (${sharesB})`)}`;
}

/**
 * Matcher for a histogram bucket boundary. Prometheus 3 rewrites integral `le` values to the float form
 * ("1" becomes "1.0"), Prometheus 2 keeps what the client wrote, so integral boundaries match both.
 */
export function leMatcher(seconds: number): Matcher {
  const text = String(seconds);
  return Number.isInteger(seconds) ? re('le', `${text}|${text}\\.0`) : eq('le', text);
}

/** A PromQL double-quoted string literal. */
function stringLiteral(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
