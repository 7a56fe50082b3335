import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RolloutRecordBook } from '../timeline.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';

/** Writes `<dir>/<rollout-id>.md` and `.html`; returns their paths. */
export function writeRolloutReports(book: RolloutRecordBook, dir: string): { markdown: string; html: string } {
  const abs = resolve(dir);
  mkdirSync(abs, { recursive: true });
  const markdown = join(abs, `${book.id}.md`);
  const html = join(abs, `${book.id}.html`);
  writeFileSync(markdown, renderMarkdown(book));
  writeFileSync(html, renderHtml(book));
  return { markdown, html };
}
