import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { freePort, startProcess, waitForOk, type Started } from './processes.js';

/** One scrape job: targets (host:port) with their static labels. */
export interface ScrapeJob {
  job: string;
  metricsPath?: string;
  honorLabels?: boolean;
  /** Prometheus `metric_relabel_configs` (a ServiceMonitor's `metricRelabelings`), in Prometheus' snake_case. */
  metricRelabelConfigs?: Record<string, unknown>[];
  targets: { target: string; labels?: Record<string, string> }[];
}

/** A running Prometheus the test started. */
export interface RunningPrometheus {
  url: string;
  process: Started;
  query(expr: string): Promise<PromResult>;
}

/** The part of an `/api/v1/query` answer the tests look at. */
export interface PromResult {
  status: 'success' | 'error';
  error?: string;
  resultType?: string;
  result: { metric: Record<string, string>; value: [number, string] }[] | [number, string];
}

/**
 * Starts Debian's `prometheus` on a free loopback port with storage under `dir`, scraping `jobs` and
 * evaluating `ruleFile` every `interval`.
 */
export async function startPrometheus(dir: string, jobs: ScrapeJob[], ruleFile: string, interval = '1s'): Promise<RunningPrometheus> {
  mkdirSync(join(dir, 'data'), { recursive: true });
  const config = {
    global: { scrape_interval: interval, scrape_timeout: interval, evaluation_interval: interval },
    rule_files: [ruleFile],
    scrape_configs: jobs.map((j) => ({
      job_name: j.job,
      metrics_path: j.metricsPath ?? '/metrics',
      honor_labels: j.honorLabels ?? false,
      ...(j.metricRelabelConfigs ? { metric_relabel_configs: j.metricRelabelConfigs } : {}),
      static_configs: j.targets.map((t) => ({ targets: [t.target], labels: t.labels ?? {} })),
    })),
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = startProcess(
    'prometheus',
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    dir,
  );
  await waitForOk(`${url}/-/ready`, started, 60_000);
  return {
    url,
    process: started,
    async query(expr: string): Promise<PromResult> {
      const response = await fetch(`${url}/api/v1/query`, {
        method: 'POST',
        body: new URLSearchParams({ query: expr }),
        signal: AbortSignal.timeout(30_000),
      });
      const body = (await response.json()) as { status: 'success' | 'error'; error?: string; data?: { resultType: string; result: PromResult['result'] } };
      return { status: body.status, error: body.error, resultType: body.data?.resultType, result: body.data?.result ?? [] };
    },
  };
}

/**
 * Polls until every expression returns a finite value or `timeoutMs` passes; returns those still without data
 * (rates need a few scrapes of traffic).
 */
export async function waitForData(prometheus: RunningPrometheus, exprs: string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let missing = exprs;
  while (Date.now() < deadline) {
    const results = await Promise.all(missing.map(async (expr) => ({ expr, ok: hasFiniteValue(await prometheus.query(expr)) })));
    missing = results.filter((r) => !r.ok).map((r) => r.expr);
    if (missing.length === 0) return [];
    await sleep(1_000);
  }
  return missing;
}

/** Whether an instant-query answer holds at least one finite value. */
export function hasFiniteValue(result: PromResult): boolean {
  if (result.resultType === 'scalar') return Number.isFinite(Number((result.result as [number, string])[1]));
  return (result.result as { value: [number, string] }[]).some((s) => Number.isFinite(Number(s.value[1])));
}
