import { POD_TEMPLATE_HASH_LABEL } from '../../contract/metrics.js';
import { createJudge } from '../judge.js';
import { armsStartTime } from '../sources/prometheus.js';
import { prometheusLooks } from '../sources/prometheus-range.js';
import type { MetricResult, Verdict } from '../types.js';
import { JudgeRequestError, type JudgeRequest } from './request.js';

/** What `POST /v1/judge` answers. */
export interface JudgeAnswer {
  decision: Verdict['decision'];
  reasons: string[];
  /** What the AnalysisTemplate's `jsonPath` reads: small enough for Argo to keep as each measurement's value. */
  verdict: { decision: Verdict['decision']; reasons: string[] };
  metrics: MetricResult[];
  looks: number;
}

export interface ReplayOptions {
  prometheusUrl: string;
  intervalMs: number;
  /** Unix seconds now. */
  now: number;
  fetch?: typeof fetch;
  /** Most looks one answer replays (a start far in the past is refused rather than queried for hours). */
  maxLooks?: number;
  /** Looks per range query (default: Prometheus' limit of 11,000 points). */
  rangePoints?: number;
}

/**
 * Replays every look since the analysis started: both arms read from Prometheus at each look's time (four range
 * queries, one point per look), fed in order to a fresh judge, stopping at the first promote or rollback. Nothing is
 * kept between calls, so a restarted or scaled-out judge answers the same for the same data. Throws `PrometheusUnavailable` when Prometheus fails.
 */
export async function replayLooks(request: JudgeRequest, options: ReplayOptions): Promise<JudgeAnswer> {
  const values = request.arms;
  const source = { url: options.prometheusUrl, armLabel: POD_TEMPLATE_HASH_LABEL, values, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const start = request.start === 'arms-created' ? await armsStartTime(source) : request.start;
  if (start === null) {
    const why = `no decision: Prometheus has no process_start_time_seconds with ${POD_TEMPLATE_HASH_LABEL}=~"${values.baseline}|${values.canary}" yet (arms not scraped yet, or labelled otherwise)`;
    return answer('continue', [why], [], 0);
  }
  const step = options.intervalMs / 1000;
  const looks = Math.floor(Math.max(0, options.now - start) / step) + 1;
  if (looks > (options.maxLooks ?? 2000)) throw new JudgeRequestError('analysis.start', start, `less than ${options.maxLooks ?? 2000} looks of ${step} s ago`);
  const snapshots = await prometheusLooks(
    { ...source, model: request.model.name },
    { start, step, looks, ...(options.rangePoints ? { maxPoints: options.rangePoints } : {}) },
  );
  const judge = createJudge(request.policy);
  let verdict: Verdict | null = null;
  let canaryRequests = 0;
  let look = 0;
  for (const snapshot of snapshots) {
    // The window's last look (the next would fall outside it) is final, as on the local platform: no regression
    // found by then promotes, missing data takes the policy's noDataDecision.
    const final = request.timeoutS !== undefined && (look + 1) * step > request.timeoutS;
    look += 1;
    verdict = judge.evaluate(snapshot, { final });
    canaryRequests = snapshot.canary?.requests ?? canaryRequests;
    if (verdict.decision !== 'continue') break;
  }
  const last = verdict!;
  if (last.decision === 'promote' && canaryRequests < request.minStepRequests) {
    const why = `waiting: the canary has seen ${canaryRequests} requests this step, minStepRequests is ${request.minStepRequests}`;
    return answer('continue', [why, ...last.reasons], last.metrics, look);
  }
  return answer(last.decision, last.reasons, last.metrics, look);
}

function answer(decision: Verdict['decision'], reasons: string[], metrics: MetricResult[], looks: number): JudgeAnswer {
  return { decision, reasons, verdict: { decision, reasons }, metrics, looks };
}
