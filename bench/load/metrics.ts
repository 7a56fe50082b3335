/** Reads the service's own Prometheus metrics (`GET /metrics`): event-loop delay and batch sizes. */

/** Reads one sample from the Prometheus text format (the first series of `name` whose labels contain `labels`); NaN when absent. */
function sampleValue(text: string, name: string, labels = ''): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    if (labels && !line.includes(labels)) continue;
    return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return Number.NaN;
}

/** The text of `GET <baseUrl>/metrics`. */
async function scrapeMetrics(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`GET ${baseUrl}/metrics answered ${response.status}`);
  return response.text();
}

/** The main thread's runtime as the service reports it (prom-client's default `nodejs_*` metrics). */
export interface RuntimeGauges {
  eventLoopP50Ms: number;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** V8 heap in use: growth here is JavaScript objects; RSS growth without it is native memory. */
  heapUsedBytes: number;
  externalBytes: number;
}

/**
 * Scrapes event-loop delay and heap gauges. prom-client samples the loop every 10 ms and resets the histogram at
 * each scrape, so each reading covers the time since the previous scrape, and an idle loop reads ≈10 ms (the interval).
 */
export async function scrapeRuntimeGauges(baseUrl: string): Promise<RuntimeGauges> {
  const text = await scrapeMetrics(baseUrl);
  const ms = (name: string): number => sampleValue(text, name) * 1000;
  return {
    eventLoopP50Ms: ms('nodejs_eventloop_lag_p50_seconds'),
    eventLoopP99Ms: ms('nodejs_eventloop_lag_p99_seconds'),
    eventLoopMaxMs: ms('nodejs_eventloop_lag_max_seconds'),
    heapUsedBytes: sampleValue(text, 'nodejs_heap_size_used_bytes'),
    externalBytes: sampleValue(text, 'nodejs_external_memory_bytes'),
  };
}

/** Running totals of `model_batch_size` (rows per executed batch) for one model version. */
export interface BatchTotals {
  rows: number;
  batches: number;
}

/** Scrapes the batch-size histogram's sum and count; NaN fields when the server does not export it. */
export async function scrapeBatchTotals(baseUrl: string, model: string, version: string): Promise<BatchTotals> {
  const text = await scrapeMetrics(baseUrl).catch(() => '');
  const labels = `model="${model}",version="${version}"`;
  return { rows: sampleValue(text, 'model_batch_size_sum', labels), batches: sampleValue(text, 'model_batch_size_count', labels) };
}
