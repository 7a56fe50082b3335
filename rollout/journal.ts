import { join } from 'node:path';
import { writeJsonAtomic } from '../platform/atomic-json.js';
import type { RolloutRecordBook } from './timeline.js';

/** A rollout's journal file: `<dir>/<rollout-id>.json`. */
export const journalPath = (dir: string, id: string): string => join(dir, `${id}.json`);

/**
 * Keeps `<dir>/<rollout-id>.json` equal to the record book while the rollout runs (looks, verdicts, milestones), so
 * the console and the reports read one source. `sync()` is cheap to call at every poll: it writes only when the book
 * grew or ended. A journal that cannot be written never stops the rollout (the reports are still written at the end).
 */
export function rolloutJournal(dir: string, book: RolloutRecordBook): { sync(): void } {
  let written = '';
  return {
    sync() {
      const mark = `${book.samples.length}/${book.events.length}/${book.outcome}/${book.endedAt}`;
      if (mark === written) return;
      try {
        writeJsonAtomic(journalPath(dir, book.id), book);
        written = mark;
      } catch {
        // Disk full or the directory removed: the rollout goes on; the console shows the journal as it last was.
      }
    },
  };
}
