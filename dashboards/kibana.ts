/**
 * Kibana Discover links for Grafana panels. Kibana keeps its state in the URL fragment as Rison; Grafana
 * fills `${...}` placeholders when the link is clicked, so they are kept verbatim while the rest is encoded.
 */

/** Where Kibana lives and which data view Discover opens. */
export interface KibanaTarget {
  baseUrl: string;
  /** Data view id; empty opens Kibana's default data view. */
  dataView: string;
}

const PLACEHOLDER = /(\$\{[^}]+\})/;

/**
 * A Discover URL over the dashboard's time range, showing the log lines that match every KQL clause,
 * optionally sorted by `sortDescending` (largest first).
 */
export function kibanaDiscoverUrl(target: KibanaTarget, kqlClauses: string[], sortDescending?: string): string {
  const kql = kqlClauses.map((c) => `(${c})`).join(' and ');
  const global = `(time:(from:'\${__from:date:iso}',to:'\${__to:date:iso}'))`;
  const dataView = target.dataView ? `index:'${risonEscape(target.dataView)}',` : '';
  const sort = sortDescending ? `,sort:!(!('${risonEscape(sortDescending)}',desc))` : '';
  const app = `(${dataView}query:(language:kuery,query:'${encodeKeepingPlaceholders(risonEscape(kql))}')${sort})`;
  return `${target.baseUrl}/app/discover#/?_g=${global}&_a=${app}`;
}

/** KQL `field:"value"`; the value may be a Grafana placeholder. */
export function kqlEquals(field: string, value: string): string {
  return `${field}:"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** Rison string escaping: `!` → `!!`, `'` → `!'`. */
function risonEscape(text: string): string {
  return text.replace(/!/g, '!!').replace(/'/g, "!'");
}

function encodeKeepingPlaceholders(text: string): string {
  return text
    .split(PLACEHOLDER)
    .map((part) => (PLACEHOLDER.test(part) ? part : encodeURIComponent(part)))
    .join('');
}
