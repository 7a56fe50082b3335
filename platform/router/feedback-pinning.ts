import type http from 'node:http';

/**
 * Feedback pinning: each instance holds only its own predictions (docs/model-quality.md), so `POST …/feedback` must
 * reach the instance that answered the prediction. The client may name it (`x-keelson-instance`, which every routed
 * answer carries); otherwise the router looks the body's `request_id` up among the ids it saw instances answer.
 */

/** Header that names an instance: on every routed answer, and accepted on a feedback request to pin it. */
export const INSTANCE_HEADER = 'x-keelson-instance';
/** Ids remembered by default: the service's default `--feedback-capacity`, so the router forgets no id an instance still holds. */
export const DEFAULT_PREDICTION_ORIGINS = 100_000;

const FEEDBACK_PATH = /^\/v2\/models\/[^/]+(\/versions\/[^/]+)?\/feedback$/;

/** Whether a request is a feedback request (`POST /v2/models/{m}[/versions/{v}]/feedback`). */
export function isFeedbackRequest(method: string, path: string): boolean {
  return method === 'POST' && FEEDBACK_PATH.test(path.split('?', 1)[0] ?? '');
}

/** Which instance answered which request id: bounded, the oldest id forgotten first. */
export class PredictionOrigins {
  private readonly byId = new Map<string, string>();

  constructor(readonly capacity: number = DEFAULT_PREDICTION_ORIGINS) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`prediction origins capacity (${capacity}) must be a whole number ≥ 0`);
  }

  /** Records that `instance` answered `requestId` (a reused id moves to the newest end). */
  remember(requestId: string, instance: string): void {
    if (this.capacity === 0) return;
    this.byId.delete(requestId);
    this.byId.set(requestId, instance);
    if (this.byId.size > this.capacity) this.byId.delete(this.byId.keys().next().value!);
  }

  instanceFor(requestId: string): string | undefined {
    return this.byId.get(requestId);
  }

  get size(): number {
    return this.byId.size;
  }
}

/** The request id a feedback body names (`{"request_id": …}`), if it is one; inline feedback has none. */
function requestIdOf(body: Buffer | null): string | undefined {
  if (!body || body.length > 64 * 1024) return undefined;
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    const id = parsed !== null && typeof parsed === 'object' ? (parsed as { request_id?: unknown }).request_id : undefined;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The instance a feedback request should go to: the one the client names, else the one that answered its request id. */
export function feedbackInstance(headers: http.IncomingHttpHeaders, body: Buffer | null, origins: PredictionOrigins): string | undefined {
  const named = headers[INSTANCE_HEADER];
  if (typeof named === 'string' && named !== '') return named;
  const id = requestIdOf(body);
  return id === undefined ? undefined : origins.instanceFor(id);
}
