import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readDataFile, readFeedbackLog } from '../../retrain/labelled-rows.js';
import { keelson, scratch, writeFeedbackLog } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'keelson-retrain-rows-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const HEADER = 'bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,truth';
const good = '{"features":[39.1,18.7,181,3750],"truth":"Adelie"}';

describe('reading labelled rows', () => {
  it('reads CSV (any column order, quoted labels) and NDJSON', () => {
    const csv = readDataFile(file('rows.csv', `truth,body_mass_g,bill_length_mm,bill_depth_mm,flipper_length_mm\n"Gentoo",5000,50,15.2,220\n\nAdelie,3750,39.1,18.7,181\n`));
    expect(csv.rows.map(({ features, label, line }) => ({ features, label, line }))).toEqual([
      { features: [50, 15.2, 220, 5000], label: 2, line: 2 },
      { features: [39.1, 18.7, 181, 3750], label: 0, line: 4 },
    ]);
    expect(csv.files[0]).toMatchObject({ rows: 2, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(readDataFile(file('rows.ndjson', `${good}\n{"features":[50,15.2,220,5000],"truth":"Gentoo"}\n`)).rows.map((r) => r.label)).toEqual([0, 2]);
  });

  it.each([
    ['bad-truth.ndjson', `${good}\n${good}\n{"features":[39.1,18.7,181,3750],"truth":"Emperor"}\n`, ':3: field truth = "Emperor": expected one of Adelie, Chinstrap, Gentoo'],
    ['no-truth.ndjson', `{"features":[39.1,18.7,181,3750]}\n`, ':1: field truth = missing: expected one of Adelie, Chinstrap, Gentoo'],
    ['short.ndjson', `${good}\n{"features":[39.1,18.7,181],"truth":"Adelie"}\n`, ':2: field features = [39.1,18.7,181]: expected 4 finite numbers (bill_length_mm, bill_depth_mm, flipper_length_mm, body_mass_g)'],
    ['text.ndjson', `{"features":[39.1,"18.7",181,3750],"truth":"Adelie"}\n`, ':1: field features = [39.1,"18.7",181,3750]: expected 4 finite numbers'],
    ['broken.ndjson', `${good}\n{"features":[39.1,\n`, ':2: not JSON ('],
    ['array.ndjson', `[1,2]\n`, ':1: [1,2] is not a JSON object'],
    ['bad-number.csv', `${HEADER}\n39.1,18.7,181,3750,Adelie\n39.1,18.7,181,3750,Adelie\n39.1,18.7,181,heavy,Adelie\n`, ':4: field body_mass_g = "heavy": expected a finite number'],
    ['empty-cell.csv', `${HEADER}\n39.1,,181,3750,Adelie\n`, ':2: field bill_depth_mm = "": expected a finite number'],
    ['columns.csv', `${HEADER}\n39.1,18.7,181,Adelie\n`, ':2: 4 fields, expected 5 (as in the header)'],
    ['header.csv', `bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g,species\n39.1,18.7,181,3750,Adelie\n`, ':1: the header has no column truth'],
  ])('%s: names file:line and the field', (name, text, message) => {
    const path = file(name, text);
    expect(() => readDataFile(path)).toThrow(`${path}${message}`);
  });

  it('refuses other file kinds and missing files', () => {
    expect(() => readDataFile(file('rows.txt', good))).toThrow(`--data ${join(dir, 'rows.txt')}: expected a .csv or .ndjson file`);
    expect(() => readDataFile(join(dir, 'absent.csv'))).toThrow(`--data ${join(dir, 'absent.csv')}: cannot read it (ENOENT)`);
  });

  it('the feedback log: rotated files oldest first, other models and rows without features skipped and counted', () => {
    const log = join(dir, 'log');
    writeFeedbackLog(log, 3);
    const older = `{"model":"other","truth":"x"}\n{"model":"penguins","version":"2","row":0,"predicted":"Adelie","truth":"Adelie"}\n${good.replace('{', '{"model":"penguins",')}\n`;
    writeFileSync(join(log, 'feedback.1.ndjson'), older);
    const input = readFeedbackLog(log, 'penguins');
    expect(input.rows.map((r) => `${r.file.slice(log.length + 1)}:${r.line}`)).toEqual(['feedback.1.ndjson:3', 'feedback.ndjson:1', 'feedback.ndjson:2', 'feedback.ndjson:3']);
    expect(input.files.map((f) => [f.rows, f.skipped])).toEqual([[1, { otherModel: 1, noFeatures: 1 }], [3, { otherModel: 0, noFeatures: 0 }]]);
    expect(() => readFeedbackLog(join(dir, 'nothing'), 'penguins')).toThrow(`--feedback-log ${join(dir, 'nothing')}: no feedback.ndjson there`);
  });
});

describe('keelson models retrain with bad input', () => {
  it('a bad row in the log: exit 1, file:line and field on stderr, nothing trained or written', async () => {
    const { root, models } = scratch();
    const log = join(root, 'log');
    writeFeedbackLog(log, 60);
    writeFileSync(join(log, 'feedback.ndjson'), `{"model":"penguins","features":[39.1,18.7,181,3750],"truth":"adelie"}\n`, { flag: 'a' });
    const run = await keelson(['models', 'retrain', '--models', models, '--model', 'penguins', '--feedback-log', log]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`keelson: ${join(log, 'feedback.ndjson')}:61: field truth = "adelie": expected one of Adelie, Chinstrap, Gentoo`);
    expect(run.stderr).not.toMatch(/training the candidate/);
    expect(readdirSync(join(models, 'penguins'))).toEqual(['2', '4']);
  });

  it('too few rows, a bad tolerance, no data at all', async () => {
    const { root, models } = scratch();
    const few = file('few.ndjson', `${good}\n`.repeat(39));
    const args = ['models', 'retrain', '--models', models, '--model', 'penguins'];
    const [tooFew, tolerance, none] = await Promise.all([keelson([...args, '--data', few]), keelson([...args, '--data', few, '--tolerance', '5%']), keelson(args)]);
    expect(tooFew.stderr).toContain(`39 labelled rows of penguins in ${few}: at least 40 are needed to judge a candidate`);
    expect([tooFew.code, tolerance.code, none.code]).toEqual([1, 2, 1]);
    expect(tolerance.stderr).toContain('--tolerance 5%: expected a fraction from 0 up to 1, e.g. 0.01');
    expect(none.stderr).toContain('no labelled rows: give --feedback-log DIR and/or --data FILE');
    expect(readdirSync(root)).toEqual(['models']);
  });
});
