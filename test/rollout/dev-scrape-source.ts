// TEMPORARY stand-in for the analysis module's scrape source while it is being written; delete when it lands.
import type { ArmSnapshot, MetricSource, Snapshot } from '../../pipelines/rollout/judge-port.js';

function parse(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[4]) });
  }
  return out;
}

async function arm(url: string, model: string): Promise<ArmSnapshot> {
  const samples = parse(await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3_000) })).text()).filter((s) => s.labels.model === model || s.labels.model === undefined);
  const requests = samples.filter((s) => s.name === 'model_inference_requests_total').reduce((a, s) => a + s.value, 0);
  const errors = samples.filter((s) => s.name === 'model_inference_requests_total' && s.labels.outcome !== 'success').reduce((a, s) => a + s.value, 0);
  const buckets = samples.filter((s) => s.name === 'model_inference_duration_seconds_bucket' && s.labels.le !== '+Inf');
  const count = samples.find((s) => s.name === 'model_inference_duration_seconds_count')?.value ?? 0;
  const predictions: Record<string, number> = {};
  for (const s of samples.filter((x) => x.name === 'model_predictions_total')) predictions[s.labels.label!] = (predictions[s.labels.label!] ?? 0) + s.value;
  return { requests, errors, latency: { buckets: buckets.map((b) => Number(b.labels.le)), counts: buckets.map((b) => b.value), count }, predictions };
}

export function devScrapeSource(o: { baselineUrl: string; canaryUrl: string; model: string }): MetricSource {
  return {
    async snapshot(t: number): Promise<Snapshot> {
      const [baseline, canary] = await Promise.all([arm(o.baselineUrl, o.model).catch(() => null), arm(o.canaryUrl, o.model).catch(() => null)]);
      return { t, baseline, canary };
    },
  };
}
