/**
 * Ground truth for `keelson traffic --feedback RATE [--label-noise P]`: for a share of the answered requests it
 * sends the true species of the penguin row it drew to `POST …/versions/{v}/feedback`, by the request id it set.
 */
import { loadPenguins, PENGUIN_LABELS } from '../../tools/penguins.js';
import { createRandom } from '../../tools/random.js';

/** How much ground truth to send. */
export interface FeedbackPlan {
  /** Share of answered requests (0..1) that get their label. */
  rate: number;
  /** Share of sent labels (0..1) replaced by a wrong species (simulates noisy labellers). */
  labelNoise?: number;
  seed?: number;
}

/** What the feedback calls saw: the labels sent, what the service answered, and accuracy per version. */
export interface FeedbackReport {
  sent: number;
  byStatus: Record<string, number>;
  /** Per answering version: labelled rows the service accepted and how many it had predicted right. */
  byVersion: Record<string, { labelled: number; correct: number }>;
  /** The first refusals, for diagnosis. */
  errors: string[];
}

/** The part of a traffic request result the feedback needs. */
export interface AnsweredRequest {
  status: number | null;
  version: string | null;
}

/** The feedback side of a traffic run. */
export interface TrafficFeedback {
  /** Called once per answered request with the row it sent and the id it sent it under. */
  answered(row: readonly number[], requestId: string, result: AnsweredRequest): void;
  /** Resolves when every feedback call has answered. */
  settled(): Promise<FeedbackReport>;
}

/** Checks a plan's numbers; throws with the flag's name, the value and the range. */
export function checkFeedbackPlan(plan: FeedbackPlan): FeedbackPlan {
  if (!(plan.rate >= 0 && plan.rate <= 1)) throw new RangeError(`--feedback ${plan.rate}: expected a share between 0 and 1`);
  const noise = plan.labelNoise ?? 0;
  if (!(noise >= 0 && noise <= 1)) throw new RangeError(`--label-noise ${noise}: expected a share between 0 and 1`);
  return plan;
}

/** The true class index of each penguin row, keyed by its measurements. */
export function penguinTruth(): (row: readonly number[]) => number | undefined {
  const truth = new Map<string, number>();
  for (const p of loadPenguins()) if (!truth.has(p.features.join(','))) truth.set(p.features.join(','), p.label);
  return (row) => truth.get(row.join(','));
}

/** Sends labels for `model` at `url` as planned; rows without a known species are skipped. */
export function createTrafficFeedback(url: string, model: string, plan: FeedbackPlan, timeoutMs: number, truthOf = penguinTruth()): TrafficFeedback {
  checkFeedbackPlan(plan);
  const random = createRandom(plan.seed ?? 7);
  const base = url.replace(/\/$/, '');
  const pending = new Set<Promise<void>>();
  const report: FeedbackReport = { sent: 0, byStatus: {}, byVersion: {}, errors: [] };

  async function send(version: string, requestId: string, truth: string): Promise<void> {
    const target = `${base}/v2/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}/feedback`;
    let status = 'network-error';
    try {
      const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ request_id: requestId, truth }), signal: AbortSignal.timeout(timeoutMs) });
      status = String(res.status);
      const body = (await res.json()) as { outcome?: string; error?: string };
      if (res.ok) {
        const counts = (report.byVersion[version] ??= { labelled: 0, correct: 0 });
        counts.labelled++;
        if (body.outcome === 'correct') counts.correct++;
      } else if (report.errors.length < 20) report.errors.push(`${status} ${body.error ?? ''}`);
    } catch (error) {
      if (report.errors.length < 20) report.errors.push(`no answer: ${(error as Error).message}`);
    }
    report.byStatus[status] = (report.byStatus[status] ?? 0) + 1;
  }

  return {
    answered(row, requestId, result) {
      if (result.status !== 200 || result.version === null || random.next() >= plan.rate) return;
      const label = truthOf(row);
      if (label === undefined) return;
      report.sent++;
      const promise = send(result.version, requestId, PENGUIN_LABELS[noisy(label, plan.labelNoise ?? 0, random.next(), random.next())]!);
      pending.add(promise);
      void promise.finally(() => pending.delete(promise));
    },
    async settled() {
      while (pending.size > 0) await Promise.all(pending);
      return report;
    },
  };
}

/** With probability `noise` (drawn by `u`), a wrong class chosen uniformly by `v`; otherwise the true one. */
export function noisy(label: number, noise: number, u: number, v: number): number {
  if (u >= noise) return label;
  const wrong = PENGUIN_LABELS.map((_, i) => i).filter((i) => i !== label);
  return wrong[Math.floor(v * wrong.length)]!;
}
