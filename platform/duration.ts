const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `500ms`, `1.5s`, `2m`, `1h` (a bare number means seconds) into milliseconds.
 * Returns an error message naming `field` instead of throwing, so callers can collect several.
 */
export function parseDuration(value: unknown, field: string): { ms: number } | { error: string } {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return { ms: value * 1_000 };
  const match = typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value) : null;
  if (!match) {
    return { error: `'${field}' is ${JSON.stringify(value)}: expected a duration such as 500ms, 10s, 2m (a bare number is seconds)` };
  }
  return { ms: Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1_000) };
}

/** Like `parseDuration`, throwing `makeError(message)` on a bad value. */
export function durationMs(value: unknown, field: string, makeError: (message: string) => Error = (m) => new Error(m)): number {
  const parsed = parseDuration(value, field);
  if ('error' in parsed) throw makeError(parsed.error);
  return parsed.ms;
}

/** Formats milliseconds compactly: `850ms`, `12s`, `1.5s`, `2m30s`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1_000);
  return s === 0 ? `${m}m` : `${m}m${String(s).padStart(2, '0')}s`;
}
