import { isMap, isScalar, parseDocument, Scalar, type Document } from 'yaml';

/** What a release writes into `deploy/<env>.yaml`: the pushed image and, when the model changed, its new pin. */
export interface ReleasedFields {
  /** `name@sha256:<64 hex>`; absent when only the model moves (`keelson models retrain --propose`). */
  image?: string;
  model?: { version: string; uri: string; sha256: string };
}

/** One replacement in the source text: `[start, end)` becomes `text`. */
interface Splice {
  start: number;
  end: number;
  text: string;
}

/**
 * Sets `service.image` (and the model's version, uri and sha256 when given) in the spec's text. The values are
 * spliced into the source at the positions the parser reports, so every other byte (comments, key order, flow
 * maps, blank lines) stays as the person wrote it: the release commit's diff is the changed values and nothing else.
 */
export function writeReleasedFields(text: string, fields: ReleasedFields): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the deploy spec is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const splices: Splice[] = fields.image === undefined ? [] : [imageSplice(doc, text, fields.image)];
  if (fields.model) {
    for (const key of ['version', 'uri', 'sha256'] as const) splices.push(valueSplice(doc, ['model', key], fields.model[key]));
  }
  const edited = splices
    .sort((a, b) => b.start - a.start)
    .reduce((out, s) => out.slice(0, s.start) + s.text + out.slice(s.end), text);
  checkWritten(edited, fields);
  return edited;
}

function imageSplice(doc: Document, text: string, image: string): Splice {
  const service = doc.get('service', true);
  if (!isMap(service) || service.flow || !service.range) {
    throw new Error('the deploy spec has no block mapping `service:` to write service.image into');
  }
  if (doc.hasIn(['service', 'image'])) return valueSplice(doc, ['service', 'image'], image);
  // No image yet (a new environment): a line of its own above the first key of `service:`, at its indentation.
  const first = service.items[0]?.key;
  if (!isScalar(first) || !first.range) throw new Error('`service:` is empty: add its fields before the first release');
  const lineStart = text.lastIndexOf('\n', first.range[0] - 1) + 1;
  const indent = text.slice(lineStart, first.range[0]);
  return { start: lineStart, end: lineStart, text: `${indent}image: ${image}\n` };
}

function valueSplice(doc: Document, path: [string, string], value: string): Splice {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || !node.range) throw new Error(`the deploy spec has no scalar ${path.join('.')} to replace`);
  return { start: node.range[0], end: node.range[1], text: scalarText(node, value) };
}

/** The new value in the old node's quoting; quoted anyway when it would otherwise read back as a number. */
function scalarText(old: Scalar, value: string): string {
  if (old.type === Scalar.QUOTE_SINGLE) return `'${value.replaceAll("'", "''")}'`;
  if (old.type === Scalar.QUOTE_DOUBLE || !/^[A-Za-z0-9@:/._-]+$/.test(value) || /^[\d.]+$/.test(value)) return JSON.stringify(value);
  return value;
}

/** A splice gone wrong must not become a commit: the edited text has to read back with exactly the new values. */
function checkWritten(edited: string, fields: ReleasedFields): void {
  const back = parseDocument(edited);
  const read = (path: string[]) => String(back.getIn(path));
  const expected: [string[], string][] = fields.image === undefined ? [] : [[['service', 'image'], fields.image]];
  if (fields.model) for (const [key, value] of Object.entries(fields.model)) expected.push([['model', key], value]);
  const wrong = expected.filter(([path, value]) => back.errors.length > 0 || read(path) !== value);
  if (wrong.length > 0) throw new Error(`rewriting the deploy spec went wrong at ${wrong.map(([p]) => p.join('.')).join(', ')}; the file was not written`);
}
