import type { ExecutorEvent } from '../runtime/executor.js';
import type { Logger } from './logger.js';

/** Lifecycle events of the server, keyed on `kind`; each becomes one ECS log line with `event.action` = kind. */
export type LifecycleEvent =
  | { kind: 'listening'; url: string; metricsUrl?: string }
  | { kind: 'model_loaded'; model: string; version: string; sha256: string; durationMs: number; batching: string }
  | { kind: 'model_refused'; model: string; version: string; reason: string }
  | { kind: 'ready'; models: string[] }
  | { kind: 'execution_provider'; provider: string; preference: string[]; fallbacks: { provider: string; reason: string }[] }
  | { kind: 'not_ready'; failed: string[] }
  | { kind: 'draining'; inFlight: number; timeoutMs: number }
  | { kind: 'stopped'; abandoned: number }
  | ExecutorEvent;

/** Writes a lifecycle event. */
export function logEvent(logger: Logger, event: LifecycleEvent): void {
  const { kind, ...fields } = event;
  const level = kind === 'execution_provider' && event.fallbacks.length > 0 ? 'warn' : kind === 'model_refused' || kind === 'not_ready' || kind === 'worker_crashed' || kind === 'worker_replacement_failed' ? 'error' : 'info';
  logger[level]({ event: { kind: 'event', action: kind, category: ['process'] }, keelson: fields }, describe(event));
}

function describe(event: LifecycleEvent): string {
  switch (event.kind) {
    case 'listening': return `listening on ${event.url}${event.metricsUrl ? ` (metrics also on ${event.metricsUrl})` : ''}`;
    case 'model_loaded': return `loaded ${event.model}:${event.version} in ${event.durationMs} ms (batching ${event.batching})`;
    case 'model_refused': return `refused ${event.model}:${event.version}: ${event.reason}`;
    case 'execution_provider': return `execution provider ${event.provider}${event.fallbacks.map((f) => `; ${f.provider} unavailable, fell back (${f.reason})`).join('')}`;
    case 'ready': return `ready: serving ${event.models.join(', ')}`;
    case 'not_ready': return `not ready: ${event.failed.join('; ')}`;
    case 'draining': return `draining ${event.inFlight} in-flight request(s), at most ${event.timeoutMs} ms`;
    case 'stopped': return event.abandoned > 0 ? `stopped; ${event.abandoned} request(s) cut off by the drain timeout` : 'stopped';
    case 'worker_crashed': return `inference worker ${event.workerId} crashed (exit code ${event.exitCode}); ${event.failedJobs} job(s) failed with 503`;
    case 'worker_replaced': return `inference worker ${event.workerId} replaced a crashed one`;
    case 'worker_replacement_failed': return `inference worker ${event.workerId} could not be started: ${event.reason}`;
  }
}
