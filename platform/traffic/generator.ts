import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { decodeInferResponse } from './binary-body.js';
import type { FeedbackReport, TrafficFeedback } from './feedback.js';
import { binaryInferBody, inferBody, penguinRows, rowPicker } from './requests.js';

export interface TrafficOptions {
  /** Base URL of the router (or any OIP server). */
  url: string;
  rps: number;
  durationMs: number;
  model?: string;
  /** Rows to draw from; the penguins data by default. */
  rows?: number[][];
  /** Per-request timeout. */
  timeoutMs?: number;
  /** Requests allowed in flight at once; beyond it a tick's requests are counted as `skipped`. */
  maxInFlight?: number;
  /** Sends rows as binary tensor data (`Inference-Header-Content-Length`) and asks for binary outputs. */
  binary?: boolean;
  /** Sends ground truth for a share of the answered requests (`--feedback`). */
  feedback?: TrafficFeedback;
  /** Stops early (the result covers what was sent). */
  signal?: AbortSignal;
  /** Called after every request (for live progress). */
  onResult?: (result: RequestResult) => void;
}

/** The outcome of one request. */
export interface RequestResult {
  /** Milliseconds since the run started, when the request was sent. */
  at: number;
  ms: number;
  status: number | null;
  variant: string | null;
  version: string | null;
  error: string | null;
}

/** What a run saw, client-side. */
export interface TrafficReport {
  url: string;
  sent: number;
  ok: number;
  failed: number;
  skipped: number;
  durationMs: number;
  achievedRps: number;
  byStatus: Record<string, number>;
  byVariant: Record<string, number>;
  byVersion: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** The first failures, for diagnosis. */
  failures: RequestResult[];
  /** With `--feedback`: the labels sent and the accuracy the service reported per version. */
  feedback?: FeedbackReport;
}

/**
 * Sends open-loop inference traffic (a fixed arrival rate, not waiting for answers, as real users do)
 * and reports errors and latency percentiles.
 */
export async function runTraffic(options: TrafficOptions): Promise<TrafficReport> {
  const model = options.model ?? 'penguins';
  const target = `${options.url.replace(/\/$/, '')}/v2/models/${encodeURIComponent(model)}/infer`;
  const nextRow = rowPicker(options.rows ?? penguinRows());
  const maxInFlight = options.maxInFlight ?? 256;
  const results: RequestResult[] = [];
  const pending = new Set<Promise<void>>();
  let skipped = 0;
  const started = performance.now();

  const send = (): void => {
    const at = performance.now() - started;
    const row = nextRow();
    const request = options.binary ? binaryInferBody(row) : { body: inferBody(row), headers: { 'content-type': 'application/json' } };
    const requestId = randomUUID();
    if (options.feedback) (request.headers as Record<string, string>)['x-request-id'] = requestId;
    const promise = sendOne(target, request, options.timeoutMs ?? 10_000).then((r) => {
      const result = { ...r, at };
      results.push(result);
      options.onResult?.(result);
      options.feedback?.answered(row, requestId, result);
    });
    pending.add(promise);
    void promise.finally(() => pending.delete(promise));
  };

  let scheduled = 0;
  const total = Math.floor((options.rps * options.durationMs) / 1_000);
  while (scheduled < total && !options.signal?.aborted) {
    const elapsed = performance.now() - started;
    const due = Math.min(total, Math.floor((elapsed * options.rps) / 1_000) + 1);
    for (; scheduled < due; scheduled++) {
      if (pending.size >= maxInFlight) skipped++;
      else send();
    }
    const nextAt = (scheduled * 1_000) / options.rps;
    await sleep(Math.max(1, nextAt - (performance.now() - started)));
  }
  await Promise.all(pending);
  const report = summarize(options.url, results, skipped, performance.now() - started);
  if (options.feedback) report.feedback = await options.feedback.settled();
  return report;
}

async function sendOne(url: string, request: { body: string | Buffer; headers: Record<string, string> }, timeoutMs: number): Promise<Omit<RequestResult, 'at'>> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    const ms = performance.now() - t0;
    let version: string | null = null;
    let error: string | null = null;
    try {
      const { json } = decodeInferResponse(bytes, res.headers.get('inference-header-content-length'));
      version = json.model_version ?? null;
      if (!res.ok) error = json.error ?? bytes.toString('utf8', 0, 200);
    } catch (decodeError) {
      if (!res.ok) error = bytes.toString('utf8', 0, 200);
      else error = `the response could not be decoded: ${(decodeError as Error).message}`;
    }
    return { ms, status: res.status, variant: res.headers.get('x-keelson-variant'), version, error };
  } catch (error) {
    const cause = (error as Error).cause as { code?: string } | undefined;
    return { ms: performance.now() - t0, status: null, variant: null, version: null, error: cause?.code ?? (error as Error).message };
  }
}

function summarize(url: string, results: RequestResult[], skipped: number, durationMs: number): TrafficReport {
  const count = (key: (r: RequestResult) => string | null): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of results) {
      const k = key(r) ?? 'none';
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  };
  const failures = results.filter((r) => r.status === null || r.status >= 400);
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const quantile = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
  return {
    url,
    sent: results.length,
    ok: results.length - failures.length,
    failed: failures.length,
    skipped,
    durationMs,
    achievedRps: durationMs > 0 ? (results.length * 1_000) / durationMs : 0,
    byStatus: count((r) => (r.status === null ? 'network-error' : String(r.status))),
    byVariant: count((r) => r.variant),
    byVersion: count((r) => r.version),
    latencyMs: {
      p50: quantile(0.5),
      p90: quantile(0.9),
      p99: quantile(0.99),
      max: sorted.at(-1) ?? 0,
      mean: sorted.length === 0 ? 0 : sorted.reduce((a, b) => a + b, 0) / sorted.length,
    },
    failures: failures.slice(0, 50),
  };
}
