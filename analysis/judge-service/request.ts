import { JudgePolicyError, parseJudgePolicy, type JudgePolicy } from '../policy.js';

/** The body Argo's `web` provider posts (infra/render/judge-analysis.ts), validated. */
export interface JudgeRequest {
  model: { name: string; version?: string; sha256?: string };
  arms: { baseline: string; canary: string };
  /** `arms-created`: when the arms' processes started; otherwise Unix seconds. */
  start: 'arms-created' | number;
  canaryWeight: number;
  minStepRequests: number;
  /** The analysis window (`rollout.analysisTimeout`) in seconds: its last look decides as the local platform's does. */
  timeoutS?: number;
  policy: JudgePolicy;
}

/** A request body that cannot be used: `parameter`, the value given and what was expected. */
export class JudgeRequestError extends Error {
  constructor(readonly parameter: string, value: unknown, expected: string) {
    super(`'${parameter}' (${JSON.stringify(value) ?? 'missing'}) must be ${expected}`);
    this.name = 'JudgeRequestError';
  }
}

const HASH = /^[A-Za-z0-9_.-]{1,63}$/;

function record(value: unknown, parameter: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JudgeRequestError(parameter, value, 'a JSON object');
  return value as Record<string, unknown>;
}

function text(value: unknown, parameter: string, pattern: RegExp, expected: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new JudgeRequestError(parameter, value, expected);
  return value;
}

/** Argo fills `{{args.x}}` into strings, so numbers may come as numeric strings. */
function number(value: unknown, parameter: string, ok: (n: number) => boolean, expected: string): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || !ok(n)) throw new JudgeRequestError(parameter, value, expected);
  return n;
}

function startOf(value: unknown): 'arms-created' | number {
  if (value === 'arms-created') return value;
  if (typeof value === 'string' && Number.isFinite(Date.parse(value))) return Date.parse(value) / 1000;
  return number(value, 'analysis.start', (n) => n > 0, "'arms-created', an RFC 3339 time or Unix seconds");
}

/** Validates a request body; throws `JudgeRequestError` naming the first bad parameter. */
export function parseJudgeRequest(body: unknown): JudgeRequest {
  const root = record(body, 'body');
  const model = record(root.model, 'model');
  const arms = record(root.arms, 'arms');
  const analysis = record(root.analysis ?? {}, 'analysis');
  const hash = 'a pod-template hash (letters, digits, _ . -; Argo filled in no {{args}}?)';
  const request: JudgeRequest = {
    model: {
      name: text(model.name, 'model.name', /^[\w.-]{1,128}$/, 'a model name'),
      ...(typeof model.version === 'string' ? { version: model.version } : {}),
      ...(typeof model.sha256 === 'string' ? { sha256: model.sha256 } : {}),
    },
    arms: { baseline: text(arms.baseline, 'arms.baseline', HASH, hash), canary: text(arms.canary, 'arms.canary', HASH, hash) },
    start: startOf(analysis.start ?? 'arms-created'),
    canaryWeight: number(analysis.canaryWeight ?? 0, 'analysis.canaryWeight', (n) => n >= 0 && n <= 50, 'a percentage 0..50 (the baseline gets the same share, stable keeps 100 − 2 × weight)'),
    minStepRequests: number(analysis.minStepRequests ?? 0, 'analysis.minStepRequests', (n) => Number.isInteger(n) && n >= 0, 'a whole number ≥ 0'),
    ...(analysis.timeoutSeconds === undefined ? {} : { timeoutS: number(analysis.timeoutSeconds, 'analysis.timeoutSeconds', (n) => n > 0, 'the analysis window in seconds, above 0') }),
    policy: parseJudgePolicy({}),
  };
  if (request.arms.baseline === request.arms.canary) throw new JudgeRequestError('arms.canary', request.arms.canary, "different from 'arms.baseline'");
  try {
    request.policy = parseJudgePolicy(root.policy ?? {});
  } catch (error) {
    if (error instanceof JudgePolicyError) throw new JudgeRequestError('policy', root.policy, `a valid judge policy: ${error.message}`);
    throw error;
  }
  return request;
}
