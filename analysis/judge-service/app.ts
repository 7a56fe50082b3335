import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { Counter, Gauge, Registry } from 'prom-client';
import { DECISIONS } from '../../contract/decisions.js';
import { JUDGE_DECISIONS_METRIC, JUDGE_VERDICT_METRIC } from '../../contract/metrics.js';
import { PrometheusUnavailable } from '../errors.js';
import { replayLooks } from './replay-looks.js';
import { JudgeRequestError, parseJudgeRequest } from './request.js';
import { createWeightExport } from './weights.js';

/** Largest `POST /v1/judge` body accepted (413 above). */
export const JUDGE_BODY_LIMIT_BYTES = 64 * 1024;

export interface JudgeAppOptions {
  prometheusUrl: string;
  intervalMs: number;
  /** Unix seconds; tests pass a fixed clock. */
  now?: () => number;
  fetch?: typeof fetch;
  /** Looks per range query (tests lower it to exercise the split; default Prometheus' 11,000). */
  rangePoints?: number;
}

/** Calls missed before a model's analysis is taken to have ended; Argo calls every interval, retrying errors after 10 s. */
const MISSED_CALLS = 3;
const MIN_STALE_S = 60;

/** The stateless judge service: `POST /v1/judge` (Argo Rollouts' `web` provider), `/metrics`, `/healthz`. */
export function createJudgeApp(options: JudgeAppOptions): Hono {
  const now = options.now ?? (() => Date.now() / 1000);
  const registry = new Registry();
  const decisions = new Counter({ name: JUDGE_DECISIONS_METRIC, help: 'Verdicts the judge has answered.', labelNames: ['rollout', 'decision'], registers: [registry] });
  const verdict = new Gauge({ name: JUDGE_VERDICT_METRIC, help: '1 for the latest verdict of a rollout, 0 for its other decisions.', labelNames: ['rollout', 'decision'], registers: [registry] });

  const weights = createWeightExport({ registry, now, staleAfterS: Math.max(MIN_STALE_S, (MISSED_CALLS * options.intervalMs) / 1000) });

  const app = new Hono();
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'Content-Type': registry.contentType }));
  // Argo's rendered body is well under 1 KiB; a judge policy adds a few hundred bytes.
  const limitBody = bodyLimit({
    maxSize: JUDGE_BODY_LIMIT_BYTES,
    onError: (c) => c.json({ error: `body over ${JUDGE_BODY_LIMIT_BYTES} bytes: expected a judge request (model, arms, analysis, policy)` }, 413),
  });
  app.post('/v1/judge', limitBody, async (c) => {
    const body: unknown = await c.req.json().catch(() => {
      throw new JudgeRequestError('body', 'unreadable', 'JSON');
    });
    const request = parseJudgeRequest(body);
    // Argo is running the step whatever Prometheus answers: the split is known before the verdict is.
    weights.called(request.model.name, request.canaryWeight);
    const answer = await replayLooks(request, {
      prometheusUrl: options.prometheusUrl,
      intervalMs: options.intervalMs,
      now: now(),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.rangePoints ? { rangePoints: options.rangePoints } : {}),
    });
    weights.decided(request.model.name, answer.decision);
    const rollout = `${request.model.name}/${request.arms.canary}`;
    decisions.inc({ rollout, decision: answer.decision });
    for (const decision of DECISIONS) verdict.set({ rollout, decision }, decision === answer.decision ? 1 : 0);
    return c.json(answer);
  });
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path.slice(0, 200)}: POST /v1/judge, GET /metrics, GET /healthz` }, 404));
  app.onError(function judgeError(error: Error, c: Context) {
    if (error instanceof JudgeRequestError) return c.json({ error: error.message }, 400);
    // A 5xx is an Error measurement for Argo: retried, never counted as a promote.
    if (error instanceof PrometheusUnavailable) return c.json({ error: `no verdict: ${error.message}` }, 503);
    return c.json({ error: `internal error: ${error.message}` }, 500);
  });
  return app;
}
