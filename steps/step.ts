import type { Reporter } from './reporter.js';

/** Reports progress detail for the step being run (the latest build line, the URL being polled...). */
export type ProgressFn = (detail: string) => void;

/**
 * Runs one named step: emits `start`, then `done` with the elapsed time (and the detail `run`
 * returns, if any) or `fail` with the error message, which is rethrown for the caller to map.
 */
export async function runStep<T>(
  reporter: Reporter,
  step: string,
  run: (progress: ProgressFn) => Promise<T>,
  options: { now?: () => number; summary?: (result: T) => string | undefined } = {},
): Promise<T> {
  const now = options.now ?? Date.now;
  const started = now();
  reporter.emit({ kind: 'start', step });
  try {
    const result = await run((detail) => reporter.emit({ kind: 'progress', step, detail }));
    const detail = options.summary?.(result);
    reporter.emit({ kind: 'done', step, ms: now() - started, ...(detail ? { detail } : {}) });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    reporter.emit({ kind: 'fail', step, ms: now() - started, message });
    throw error;
  }
}
