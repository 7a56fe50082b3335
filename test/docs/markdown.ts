/**
 * Just enough Markdown for checking docs: fenced blocks, inline code spans, links and the anchors that headings
 * get on GitHub. Line numbers are 1-based, for messages a reader can follow.
 */

export interface FencedBlock {
  lang: string;
  /** Line of the opening fence. */
  line: number;
  text: string;
}

export interface InlineSpan {
  line: number;
  text: string;
  /** What follows the closing backtick on its line (to see a `(planned)` marker). */
  after: string;
}

export interface Link {
  line: number;
  target: string;
}

/** A heading and the first cells of the table rows under it (up to the next heading). */
export interface Section {
  heading: string;
  line: number;
  rows: { line: number; firstCell: string }[];
}

export interface MarkdownDoc {
  file: string;
  blocks: FencedBlock[];
  spans: InlineSpan[];
  links: Link[];
  /** Anchors a link may point at: heading slugs (GitHub's rules) and explicit `<a id>` / `<a name>`. */
  anchors: Set<string>;
  sections: Section[];
}

const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([\w+-]*)/;

/** Splits a Markdown file into what the checks need; prose outside fences keeps its line numbers. */
export function parseMarkdown(file: string, text: string): MarkdownDoc {
  const lines = text.split('\n');
  const blocks: FencedBlock[] = [];
  const prose: string[] = [];
  let open: { fence: string; lang: string; line: number; body: string[] } | undefined;
  lines.forEach((line, i) => {
    const fence = FENCE.exec(line);
    if (open) {
      if (fence && fence[1]!.startsWith(open.fence) && line.trim() === fence[1]) {
        blocks.push({ lang: open.lang, line: open.line, text: open.body.join('\n') });
        open = undefined;
      } else open.body.push(line);
      prose.push('');
    } else if (fence) {
      open = { fence: fence[1]!, lang: fence[2]!.toLowerCase(), line: i + 1, body: [] };
      prose.push('');
    } else prose.push(/^ {4}|^\t/.test(line) ? '' : line);
  });
  if (open) throw new Error(`${file}:${open.line}: a fenced block that never closes`);
  const proseText = prose.join('\n');
  const lineAt = lineCounter(proseText);
  const spans: InlineSpan[] = [];
  for (const m of proseText.matchAll(/`([^`]+)`/g)) {
    const end = m.index + m[0].length;
    const eol = proseText.indexOf('\n', end);
    spans.push({ line: lineAt(m.index), text: m[1]!.replace(/\s+/g, ' ').trim(), after: proseText.slice(end, eol === -1 ? undefined : eol) });
  }
  const withoutSpans = proseText.replace(/`[^`]+`/g, (s) => s.replace(/[^\n]/g, ' '));
  const links: Link[] = [];
  for (const m of withoutSpans.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) links.push({ line: lineAt(m.index), target: m[1]! });
  return { file, blocks, spans, links, anchors: anchorsOf(prose), sections: sectionsOf(prose) };
}

/** GitHub's heading anchor: the text as rendered, lower case, punctuation dropped, each space a hyphen. */
export function slug(heading: string): string {
  const rendered = heading
    .split('`')
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/<[^>]+>/g, '')))
    .join('')
    .trim();
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

function sectionsOf(prose: string[]): Section[] {
  const sections: Section[] = [];
  prose.forEach((line, i) => {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    const row = /^\s*\|((?:\\\||[^|])*)\|/.exec(line);
    if (heading) sections.push({ heading: heading[1]!, line: i + 1, rows: [] });
    else if (row && sections.length > 0 && !/^\s*\|\s*:?-{3,}/.test(line)) sections.at(-1)!.rows.push({ line: i + 1, firstCell: row[1]!.trim() });
  });
  return sections;
}

function anchorsOf(prose: string[]): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of prose) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const base = slug(heading[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
    for (const m of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  }
  return anchors;
}

function lineCounter(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
