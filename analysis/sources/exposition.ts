/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A line of the exposition format that cannot be read. */
export class ExpositionError extends Error {
  constructor(
    readonly line: number,
    readonly text: string,
    reason: string,
  ) {
    super(`metrics line ${line}: ${reason}: ${JSON.stringify(text.slice(0, 120))}`);
    this.name = 'ExpositionError';
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

const SPECIAL_VALUES = new Map<string, number>([
  ['nan', NaN],
  ['inf', Infinity], ['+inf', Infinity], ['infinity', Infinity], ['+infinity', Infinity],
  ['-inf', -Infinity], ['-infinity', -Infinity],
]);

/**
 * A sample value as Prometheus reads it (Go's ParseFloat): decimal or exponent notation, and the special values in any
 * case: prom-client writes NaN as `Nan` (a gauge with nothing to report, e.g. the event-loop lag of an idle interval).
 * Undefined when the text is not a number.
 */
function parseValue(text: string): number | undefined {
  const special = SPECIAL_VALUES.get(text.toLowerCase());
  if (special !== undefined) return special;
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** Reads `{a="x",b="y"}` starting at `start` (the brace); returns the labels and the index after the closing brace. */
function parseLabels(line: string, start: number, lineNo: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === ' ' || line[i] === ',') i++;
    if (line[i] === '}') return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(line.slice(i))?.[0];
    if (!name) throw new ExpositionError(lineNo, line, 'expected a label name');
    i += name.length;
    while (line[i] === ' ') i++;
    if (line[i] !== '=' || line[i + 1] !== '"') throw new ExpositionError(lineNo, line, `expected ="…" after label ${name}`);
    i += 2;
    let value = '';
    for (; i < line.length && line[i] !== '"'; i++) {
      if (line[i] === '\\') {
        const next = line[++i];
        value += next === 'n' ? '\n' : (next ?? '');
      } else value += line[i];
    }
    if (line[i] !== '"') throw new ExpositionError(lineNo, line, `unterminated value of label ${name}`);
    labels[name] = value;
    i++;
  }
}

/**
 * Parses the Prometheus text exposition format (version 0.0.4, what prom-client serves): `# HELP`/`# TYPE` and other
 * comments are skipped, each sample line gives a name, labels (with \\, \" and \n escapes) and a value (+Inf, -Inf,
 * NaN in any case, as Prometheus reads them); an optional timestamp is ignored. Throws ExpositionError naming the line when one is malformed.
 */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) throw new ExpositionError(n + 1, line, 'expected a metric name');
    let i = name.length;
    let labels: Record<string, string> = {};
    if (line[i] === '{') ({ labels, end: i } = parseLabels(line, i, n + 1));
    const [valueText = '', timestamp] = line.slice(i).trim().split(/\s+/);
    const value = parseValue(valueText);
    if (value === undefined) throw new ExpositionError(n + 1, line, `expected a number, got ${JSON.stringify(valueText)}`);
    if (timestamp !== undefined && !/^-?\d+$/.test(timestamp)) throw new ExpositionError(n + 1, line, `expected a timestamp, got ${JSON.stringify(timestamp)}`);
    samples.push({ name, labels, value });
  }
  return samples;
}
