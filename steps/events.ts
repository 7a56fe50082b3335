/**
 * Structured progress events a pipeline step emits. A reporter turns them into a spinner on a
 * terminal, plain lines in CI, or NDJSON for machines; the pipeline code never formats output itself.
 */
export type StepEvent =
  | { kind: 'start'; step: string }
  | { kind: 'progress'; step: string; detail: string }
  | { kind: 'done'; step: string; ms: number; detail?: string }
  | { kind: 'skip'; step: string; reason: string }
  | { kind: 'fail'; step: string; ms: number; message: string }
  | { kind: 'note'; level: 'info' | 'warn'; message: string };

export type StepEventKind = StepEvent['kind'];

/** Formats a duration the way people read it in a log: `850ms`, `12.3s`, `4m05s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

/** Collapses whitespace (newlines included), so a detail stays one line of a log. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** `oneLine(text)` cut to `max` characters, marking the cut with `…` (for the spinner's single line only). */
export function truncate(text: string, max: number): string {
  const line = oneLine(text);
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

type Formatters = { [K in StepEventKind]: (event: Extract<StepEvent, { kind: K }>) => string };

/** One plain-text formatter per event kind (no colours, no cursor movement, nothing cut off: safe for CI logs). */
export const plainFormatters: Formatters = {
  start: (e) => `▶ ${e.step}`,
  progress: (e) => `  ${e.step}: ${oneLine(e.detail)}`,
  done: (e) => `✔ ${e.step}${e.detail ? `: ${e.detail}` : ''} (${formatDuration(e.ms)})`,
  skip: (e) => `↷ ${e.step}: ${e.reason}`,
  fail: (e) => `✖ ${e.step} failed after ${formatDuration(e.ms)}: ${e.message}`,
  note: (e) => (e.level === 'warn' ? `⚠ ${e.message}` : `  ${e.message}`),
};

/** Formats any event as one plain line. */
export function formatPlain(event: StepEvent): string {
  return (plainFormatters[event.kind] as (e: StepEvent) => string)(event);
}
