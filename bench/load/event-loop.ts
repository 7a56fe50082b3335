/** Event-loop delay as the service reports it on /metrics (prom-client's default `nodejs_eventloop_lag_*` gauges). */
export interface EventLoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** Reads one `name value` sample from the Prometheus text format; NaN when absent. */
export function sampleValue(text: string, name: string): number {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([^\\s]+)`, 'm').exec(text);
  return match ? Number(match[1]) : Number.NaN;
}

/**
 * Scrapes the event-loop delay gauges. prom-client samples the loop every 10 ms and resets the histogram at each
 * scrape, so each reading covers the time since the previous scrape, and an idle loop reads ≈10 ms (the interval).
 */
export async function scrapeEventLoopDelay(baseUrl: string): Promise<EventLoopDelay> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  const text = await response.text();
  const ms = (name: string): number => sampleValue(text, name) * 1000;
  return { p50Ms: ms('nodejs_eventloop_lag_p50_seconds'), p99Ms: ms('nodejs_eventloop_lag_p99_seconds'), maxMs: ms('nodejs_eventloop_lag_max_seconds') };
}
