import { formatDuration, formatPlain, truncate, type StepEvent } from './events.js';

/** Receives progress events; `close` stops any animation and leaves the cursor on a fresh line. */
export interface Reporter {
  emit(event: StepEvent): void;
  close(): void;
}

/** `tty`: animated spinner; `plain`: one line per event (CI, pipes); `json`: one JSON event per line. */
export type ReporterMode = 'tty' | 'plain' | 'json';

/**
 * Picks the output mode: `KEELSON_PROGRESS` wins when set; CI logs get plain lines even on a
 * pseudo-terminal; otherwise a spinner only when the stream is a terminal.
 */
export function chooseMode(env: NodeJS.ProcessEnv, isTTY: boolean): ReporterMode {
  const forced = env.KEELSON_PROGRESS;
  if (forced === 'tty' || forced === 'plain' || forced === 'json') return forced;
  if (env.CI === 'true' || env.CI === '1') return 'plain';
  return isTTY ? 'tty' : 'plain';
}

/** Where progress goes: `isTTY` picks the mode, `columns` (a terminal's width) bounds the spinner line. */
export interface ProgressStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ReporterOptions {
  /** Where progress goes; stderr by default, so stdout stays free for results (`ref=$(keelson build)`). */
  stream?: ProgressStream;
  mode?: ReporterMode;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  /** Spinner frame interval; the timer is unref'd so it never keeps the process alive. */
  frameMs?: number;
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Width assumed when the stream does not say (not a real terminal, e.g. `KEELSON_PROGRESS=tty` into a pipe). */
const DEFAULT_COLUMNS = 80;
/** Shortest detail worth showing on a very narrow terminal, even if the line then wraps. */
const MIN_DETAIL = 20;

/** Creates a reporter for the given stream, choosing the mode from the environment unless told. */
export function createReporter(options: ReporterOptions = {}): Reporter {
  const stream = options.stream ?? process.stderr;
  const mode = options.mode ?? chooseMode(options.env ?? process.env, stream.isTTY === true);
  if (mode === 'json') return { emit: (e) => void stream.write(`${JSON.stringify(e)}\n`), close: () => {} };
  if (mode === 'plain') return { emit: (e) => void stream.write(`${formatPlain(e)}\n`), close: () => {} };
  return createSpinner(stream, options.now ?? Date.now, options.frameMs ?? 100);
}

/**
 * The terminal renderer: one animated line for the running step, permanent lines for outcomes. Only the
 * animated line is cut to the terminal's width: a wrapped line could not be redrawn in place.
 */
function createSpinner(stream: ProgressStream, now: () => number, frameMs: number): Reporter {
  let active: { step: string; detail: string; since: number } | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;

  const clearLine = () => stream.write('\r\x1b[2K');
  const draw = () => {
    if (!active) return;
    const elapsed = formatDuration(now() - active.since);
    const room = (stream.columns ?? DEFAULT_COLUMNS) - 1 - `⠋ ${active.step} ·  (${elapsed})`.length;
    const detail = active.detail ? ` · ${truncate(active.detail, Math.max(room, MIN_DETAIL))}` : '';
    clearLine();
    stream.write(`${frames[frame++ % frames.length]} ${active.step}${detail} (${elapsed})`);
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const permanent = (line: string) => {
    clearLine();
    stream.write(`${line}\n`);
    draw();
  };

  return {
    emit(event) {
      switch (event.kind) {
        case 'start':
          active = { step: event.step, detail: '', since: now() };
          if (!timer) {
            timer = setInterval(draw, frameMs);
            timer.unref();
          }
          draw();
          return;
        case 'progress':
          if (active && active.step === event.step) active.detail = event.detail;
          draw();
          return;
        case 'done':
        case 'fail':
        case 'skip':
          if (active?.step === event.step) {
            active = undefined;
            stopTimer();
          }
          permanent(formatPlain(event));
          return;
        case 'note':
          permanent(formatPlain(event));
          return;
      }
    },
    close() {
      stopTimer();
      if (active) clearLine();
      active = undefined;
    },
  };
}
