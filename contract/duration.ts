/**
 * The one duration syntax of keelson: Go-style `500ms`, `10s`, `1.5m`, `1m30s`, `2h` (units ms, s, m, h,
 * combinable), used by flags, policy files, the deploy spec and stack settings. Callers differ only in what a
 * bare number means; each builds its own message from `expectedDuration` so it can name its field.
 */

const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({ ms: 1, s: 1_000, m: 60_000, h: 3_600_000 });
const NUMBER = /^\d+(?:\.\d+)?$/;
const TERMS = /^(?:\d+(?:\.\d+)?\s*(?:ms|s|m|h)\s*)+$/;
const TERM = /(\d+(?:\.\d+)?)\s*(ms|s|m|h)/g;

/**
 * What a number without a unit means: `seconds` (policy files, the CLI's flags), `milliseconds` (the
 * service's flags, which the cluster sets as `<n>ms`), or `rejected` (the deploy spec and stack settings).
 */
export type BareNumbers = 'seconds' | 'milliseconds' | 'rejected';

const BARE_MS: Readonly<Record<BareNumbers, number | null>> = Object.freeze({ seconds: 1_000, milliseconds: 1, rejected: null });

/** Milliseconds of a duration (`"1m30s"`, or a bare number where `bare` allows), or undefined when it is not one. */
export function parseDuration(value: unknown, bare: BareNumbers = 'seconds'): number | undefined {
  const bareMs = BARE_MS[bare];
  if (typeof value === 'number') return bareMs !== null && Number.isFinite(value) && value >= 0 ? value * bareMs : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (NUMBER.test(text)) return bareMs === null ? undefined : Number(text) * bareMs;
  if (!TERMS.test(text)) return undefined;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(TERM)) ms += Number(amount) * UNIT_MS[unit!]!;
  return ms;
}

/** What a duration field accepts, for messages: "a duration such as 500ms, 10s, 2m (a bare number is seconds)". */
function expectedDuration(bare: BareNumbers = 'seconds', examples = '500ms, 10s, 2m'): string {
  const note = bare === 'rejected' ? ' (with a unit: ms, s, m, h)' : ` (a bare number is ${bare})`;
  return `a duration such as ${examples}${note}`;
}

/** "'interval' is "soon": expected a duration such as 500ms, 10s, 2m (a bare number is seconds)". */
export function durationProblem(field: string, value: unknown, bare: BareNumbers = 'seconds'): string {
  return `'${field}' is ${JSON.stringify(value)}: expected ${expectedDuration(bare)}`;
}

/** Milliseconds of `value`, throwing `makeError(durationProblem(...))` when it is not a duration. */
export function durationMs(value: unknown, field: string, makeError: (message: string) => Error = (m) => new Error(m), bare: BareNumbers = 'seconds'): number {
  const ms = parseDuration(value, bare);
  if (ms === undefined) throw makeError(durationProblem(field, value, bare));
  return ms;
}

/** Formats milliseconds compactly: `850ms`, `12s`, `1.5s`, `2m30s`. */
export function formatMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1_000).toFixed(1))}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1_000);
  return s === 0 ? `${m}m` : `${m}m${String(s).padStart(2, '0')}s`;
}
