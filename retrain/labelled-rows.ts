/**
 * Labelled production rows for retraining: the service's feedback log (`--feedback-log DIR`) and data files
 * (CSV or NDJSON of features and truth). Every row is validated; a bad one stops the run with file:line and field.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { feedbackLogFiles } from '../service/src/feedback/feedback-log.js';
import { PENGUIN_FEATURES, PENGUIN_LABELS } from '../tools/penguins.js';
import { RetrainInputError } from './errors.js';

/** One labelled row and where it came from. */
export interface LabelledRow {
  features: number[];
  /** Class index into `PENGUIN_LABELS`. */
  label: number;
  file: string;
  line: number;
}

/** One input file as the new version's lineage records it. */
export interface LabelledFile {
  path: string;
  sha256: string;
  /** Rows taken from the file. */
  rows: number;
  /** Feedback-log lines of another model, or without features (wide rows the service did not hold). */
  skipped?: { otherModel: number; noFeatures: number };
}

export interface LabelledInput {
  rows: LabelledRow[];
  files: LabelledFile[];
}

const EXPECTED_FEATURES = `${PENGUIN_FEATURES.length} finite numbers (${PENGUIN_FEATURES.join(', ')})`;
const EXPECTED_TRUTH = `one of ${PENGUIN_LABELS.join(', ')}`;

/** The rotated log's files, oldest first, so that the rows come out in the order they were labelled. */
export function readFeedbackLog(dir: string, model: string): LabelledInput {
  const files = feedbackLogFiles(dir).filter((file) => existsSync(file)).reverse();
  if (files.length === 0) throw new RetrainInputError(`--feedback-log ${dir}: no feedback.ndjson there (keelson serve --feedback-log ${dir} writes it)`);
  const input: LabelledInput = { rows: [], files: [] };
  for (const file of files) {
    const skipped = { otherModel: 0, noFeatures: 0 };
    const { text, sha256 } = readText(file, '--feedback-log');
    let taken = 0;
    eachLine(text, (line, number) => {
      const record = parseJsonObject(line, file, number);
      if (record.model !== model) {
        skipped.otherModel++;
        return;
      }
      if (record.features === undefined) {
        skipped.noFeatures++;
        return;
      }
      input.rows.push(labelledRow(record, file, number));
      taken++;
    });
    input.files.push({ path: file, sha256, rows: taken, skipped });
  }
  return input;
}

/** A CSV file (header naming the four features and `truth`) or NDJSON lines `{"features": [...], "truth": "..."}`. */
export function readDataFile(path: string): LabelledInput {
  const kind = extname(path).toLowerCase();
  if (!['.csv', '.ndjson', '.jsonl'].includes(kind)) throw new RetrainInputError(`--data ${path}: expected a .csv or .ndjson file`);
  const { text, sha256 } = readText(path, '--data');
  const rows = kind === '.csv' ? csvRows(text, path) : ndjsonRows(text, path);
  if (rows.length === 0) throw new RetrainInputError(`--data ${path}: no rows`);
  return { rows, files: [{ path, sha256, rows: rows.length }] };
}

function ndjsonRows(text: string, file: string): LabelledRow[] {
  const rows: LabelledRow[] = [];
  eachLine(text, (line, number) => rows.push(labelledRow(parseJsonObject(line, file, number), file, number)));
  return rows;
}

function csvRows(text: string, file: string): LabelledRow[] {
  const lines = text.split(/\r?\n/);
  const header = splitCsv(lines[0] ?? '');
  const columns = [...PENGUIN_FEATURES, 'truth'].map((name) => {
    const index = header.indexOf(name);
    if (index < 0) throw new RetrainInputError(`${file}:1: the header has no column ${name} (expected columns ${[...PENGUIN_FEATURES, 'truth'].join(',')}; found ${header.join(',')})`);
    return index;
  });
  const rows: LabelledRow[] = [];
  lines.slice(1).forEach((line, i) => {
    const number = i + 2;
    if (line.trim() === '') return;
    const cells = splitCsv(line);
    if (cells.length !== header.length) throw new RetrainInputError(`${file}:${number}: ${cells.length} fields, expected ${header.length} (as in the header)`);
    const features = PENGUIN_FEATURES.map((name, j) => {
      const cell = cells[columns[j]!]!;
      const value = cell === '' ? NaN : Number(cell);
      if (!Number.isFinite(value)) throw new RetrainInputError(`${file}:${number}: field ${name} = ${JSON.stringify(cell)}: expected a finite number`);
      return value;
    });
    rows.push({ features, label: labelIndex(cells[columns[PENGUIN_FEATURES.length]!], file, number), file, line: number });
  });
  return rows;
}

/** Plain comma-separated cells; surrounding double quotes are removed (no commas inside quotes). */
function splitCsv(line: string): string[] {
  return line.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
}

function labelledRow(record: Record<string, unknown>, file: string, line: number): LabelledRow {
  const { features } = record;
  const valid = Array.isArray(features) && features.length === PENGUIN_FEATURES.length && features.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (!valid) throw new RetrainInputError(`${file}:${line}: field features = ${short(features)}: expected ${EXPECTED_FEATURES}`);
  return { features: features as number[], label: labelIndex(record.truth, file, line), file, line };
}

function labelIndex(truth: unknown, file: string, line: number): number {
  const index = PENGUIN_LABELS.indexOf(truth as (typeof PENGUIN_LABELS)[number]);
  if (index < 0) throw new RetrainInputError(`${file}:${line}: field truth = ${short(truth)}: expected ${EXPECTED_TRUTH}`);
  return index;
}

function parseJsonObject(line: string, file: string, number: number): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new RetrainInputError(`${file}:${number}: not JSON (${(error as Error).message}); expected one object per line`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RetrainInputError(`${file}:${number}: ${short(value)} is not a JSON object; expected one object per line`);
  return value as Record<string, unknown>;
}

function eachLine(text: string, visit: (line: string, number: number) => void): void {
  text.split('\n').forEach((line, i) => {
    if (line.trim() !== '') visit(line, i + 1);
  });
}

function readText(path: string, flag: string): { text: string; sha256: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new RetrainInputError(`${flag} ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return { text: bytes.toString('utf8'), sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** A value as the message shows it: JSON, cut at 60 characters. */
function short(value: unknown): string {
  const text = value === undefined ? 'missing' : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
