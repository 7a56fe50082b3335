/**
 * The durable record of labelled predictions on one machine (`--feedback-log DIR`): one JSON object per line in
 * `DIR/feedback.ndjson`, rotated by size to `feedback.1.ndjson` … (oldest dropped). `keelson models retrain
 * --feedback-log DIR` reads these files. In a cluster the ECS log events carry the same fields.
 */
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One labelled row, as written to the log. */
export interface FeedbackRecord {
  time: string;
  model: string;
  version: string;
  /** `request_id` feedback names its request; back-fills (inline features) have none. */
  request_id?: string;
  row: number;
  /** The row's features, when the service held them (narrow rows only). */
  features?: number[];
  predicted: string;
  truth: string;
  outcome: 'correct' | 'incorrect';
}

/** Where labelled rows go (the file log, or nothing). */
export interface FeedbackSink {
  write(records: readonly FeedbackRecord[]): void;
}

export interface FeedbackLogOptions {
  dir: string;
  /** Rotate once the current file passes this many bytes. */
  maxBytes?: number;
  /** Rotated files kept beside the current one. */
  keep?: number;
}

export const FEEDBACK_LOG_FILE = 'feedback.ndjson';
const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_KEEP = 4;

/** The log's files, newest first: `feedback.ndjson`, `feedback.1.ndjson`, … */
export function feedbackLogFiles(dir: string, keep = DEFAULT_KEEP): string[] {
  return [join(dir, FEEDBACK_LOG_FILE), ...Array.from({ length: keep }, (_, i) => join(dir, `feedback.${i + 1}.ndjson`))];
}

/**
 * Appends synchronously: a label arrives far less often than a prediction, and an acknowledged label must be on
 * disk. The file stays below `maxBytes` plus one write; at most `keep + 1` files exist, so the log's disk use
 * is bounded by about `(keep + 1) × maxBytes` (80 MiB by default).
 */
export function createFeedbackLog(options: FeedbackLogOptions): FeedbackSink {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const files = feedbackLogFiles(options.dir, options.keep ?? DEFAULT_KEEP);
  mkdirSync(options.dir, { recursive: true });
  let size = sizeOf(files[0]!);
  return {
    write(records) {
      if (records.length === 0) return;
      const text = records.map((r) => `${JSON.stringify(r)}\n`).join('');
      if (size > 0 && size + Buffer.byteLength(text) > maxBytes) {
        rotate(files);
        size = 0;
      }
      appendFileSync(files[0]!, text);
      size += Buffer.byteLength(text);
    },
  };
}

function rotate(files: string[]): void {
  rmSync(files.at(-1)!, { force: true });
  for (let i = files.length - 2; i >= 0; i--) {
    try {
      renameSync(files[i]!, files[i + 1]!);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
