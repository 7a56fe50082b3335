import { describeFailure, snapshotOf, type ArmReading, type MetricSource } from './source.js';
import { ERROR_OUTCOMES, SERVICE_METRICS as M } from '../../contract/metrics.js';
import { isInferRoute } from '../../contract/routes.js';
import { add, createCounterOrigin, feedbackKey, toArmSnapshot, type RawCounters } from './counters.js';
import { parseExposition, type Sample } from './exposition.js';

const LATENCY_BUCKETS = `${M.httpDuration}_bucket`;

export interface ScrapeSourceOptions {
  /** The baseline's metrics endpoint (a URL without a path gets /metrics). */
  baselineUrl: string;
  canaryUrl: string;
  /** Only count inference of this model (all models when absent). */
  model?: string;
  fetch?: typeof fetch;
  /** Per-scrape timeout in milliseconds (default 5000). */
  timeoutMs?: number;
}

/** The counters the judge needs, from one scrape of the service's /metrics. */
function countersFromSamples(samples: Sample[], model?: string): RawCounters {
  const counters: RawCounters = new Map([['requests', 0], ['errors', 0], ['le:+Inf', 0]]);
  const ofModel = (s: Sample): boolean => model === undefined || s.labels.model === model;
  for (const s of samples) {
    if (s.name === LATENCY_BUCKETS && isInferRoute(s.labels.route ?? '')) {
      const le = s.labels.le === '+Inf' ? '+Inf' : String(Number(s.labels.le));
      add(counters, `le:${le}`, s.value);
    } else if (s.name === M.inferenceRequests && ofModel(s)) {
      add(counters, 'requests', s.value);
      if (ERROR_OUTCOMES.includes(s.labels.outcome ?? '')) add(counters, 'errors', s.value);
    } else if (s.name === M.predictions && ofModel(s) && s.labels.label !== undefined) {
      add(counters, `label:${s.labels.label}`, s.value);
    } else if (s.name === M.feedback && ofModel(s)) {
      const key = feedbackKey(s.labels.outcome);
      if (key) add(counters, key, s.value);
    }
  }
  return counters;
}

function metricsUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.pathname === '/' || parsed.pathname === '') parsed.pathname = '/metrics';
  return parsed.href;
}

/**
 * A scrape is an idempotent GET: a connection-level failure (typically a kept-alive connection the server closed
 * just as it was reused) is tried once more at once; a timeout is not.
 */
async function fetchOnceMore(attempt: () => Promise<Response>): Promise<Response> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) throw error;
    return attempt();
  }
}

/**
 * The embedded default source: scrapes both arms' /metrics at every look and parses the exposition format. An arm
 * whose scrape fails (refused, timeout, non-200, unreadable) is null in that snapshot: "no data", never a pass.
 */
export function createScrapeSource(options: ScrapeSourceOptions): MetricSource {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 5000;
  const arms = {
    baseline: { url: metricsUrl(options.baselineUrl), origin: createCounterOrigin() },
    canary: { url: metricsUrl(options.canaryUrl), origin: createCounterOrigin() },
  };

  /** One arm's snapshot, or why there is none (refused, timeout, non-200, unreadable exposition). */
  async function scrape(arm: (typeof arms)['baseline']): Promise<ArmReading> {
    try {
      const response = await fetchOnceMore(() => doFetch(arm.url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'text/plain' } }));
      if (!response.ok) return { snapshot: null, why: `GET ${arm.url}: HTTP ${response.status}` };
      const counters = countersFromSamples(parseExposition(await response.text()), options.model);
      return { snapshot: toArmSnapshot(arm.origin(counters)) };
    } catch (error) {
      return { snapshot: null, why: `GET ${arm.url}: ${describeFailure(error)}` };
    }
  }

  return {
    async snapshot(t) {
      const [baseline, canary] = await Promise.all([scrape(arms.baseline), scrape(arms.canary)]);
      return snapshotOf(t, baseline, canary);
    },
  };
}
