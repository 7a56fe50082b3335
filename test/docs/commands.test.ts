/**
 * Docs that cannot lie: every `keelson` command in README.md and docs/ is checked against the real CLI's
 * `--help` (the subcommand exists, every flag is one of its options), every `npm run` script exists, every
 * backticked repository path exists and every relative link lands on a file and a heading. The commands are
 * not run: most start platforms for minutes (docs/development.md says what is and is not covered).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDoc, type CheckContext } from './check-docs.js';
import { helpReader, parseHelp } from './cli-help.js';
import { parseMarkdown, slug } from './markdown.js';
import { shellCommands } from './shell.js';

const root = join(import.meta.dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? markdownFiles(join(dir, e.name)) : e.name.endsWith('.md') ? [join(dir, e.name)] : [],
  );
}

/** Top-level entries git tracks: everything at the root except what .gitignore names there. */
function repoRoots(): Set<string> {
  const ignored = readFileSync(join(root, '.gitignore'), 'utf8')
    .split('\n')
    .map((l) => /^\/?([\w.-]+)\/?$/.exec(l.trim())?.[1])
    .filter((name): name is string => name !== undefined);
  return new Set(readdirSync(root).filter((name) => name !== '.git' && !ignored.includes(name)));
}

const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);
const ctx: CheckContext = { root, help: helpReader(root), scripts: new Set(scripts), repoRoots: repoRoots() };
const docs = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))].map((f) => relative(root, f));
const check = (file: string, text: string) => checkDoc(parseMarkdown(file, text), ctx);

describe('the checker itself', () => {
  it('reads fences, code spans across lines, links and GitHub anchors', () => {
    const doc = parseMarkdown('x.md', ['# Replay: `keelson judge replay FILE...`', 'a `long', 'span` and [a](b.md#c)', '```sh', 'keelson up', '```', '## Replay: `keelson judge replay FILE...`', '<a id="runbook-x"></a>'].join('\n'));
    expect(doc.blocks).toEqual([{ lang: 'sh', line: 4, text: 'keelson up' }]);
    expect(doc.spans.map((s) => [s.line, s.text])).toEqual([[1, 'keelson judge replay FILE...'], [2, 'long span'], [7, 'keelson judge replay FILE...']]);
    expect(doc.links).toEqual([{ line: 3, target: 'b.md#c' }]);
    expect([...doc.anchors]).toEqual(['replay-keelson-judge-replay-file', 'replay-keelson-judge-replay-file-1', 'runbook-x']);
    expect(slug('Infrastructure (Pulumi)')).toBe('infrastructure-pulumi');
    expect(slug('`deploy/<env>.yaml`')).toBe('deployenvyaml');
  });

  it('splits shell lines into simple commands', () => {
    expect(shellCommands('npx keelson traffic --rps 50 --duration 15m &  # realistic traffic')).toEqual([['npx', 'keelson', 'traffic', '--rps', '50', '--duration', '15m']]);
    expect(shellCommands("curl -s x -H 'a b' \\\n  -d '{\"#\":1}' && KEY=v npx keelson status --json > out.json 2>&1")).toEqual([
      ['curl', '-s', 'x', '-H', 'a b', '-d', '{"#":1}'],
      ['npx', 'keelson', 'status', '--json'],
    ]);
    expect(shellCommands('ref=$(npx keelson build --models models); echo "$(keelson status)" | cut -d" " -f1')).toEqual([
      ['npx', 'keelson', 'build', '--models', 'models'],
      ['keelson', 'status'],
      ['echo', '$(…)'],
      ['cut', '-d ', '-f1'],
    ]);
  });

  it("reads commander's help", () => {
    const help = parseHelp(['Usage: keelson models list [options]', '', 'Options:', '  -m, --models <dir>  model repository', '                      directory', '  --check             exit 2', '  -h, --help          display help', '', 'Commands:', '  list [options]  list', '  help [command]  help'].join('\n'));
    expect([...help.options]).toEqual([['--models', { takesValue: true }], ['-m', { takesValue: true }], ['--check', { takesValue: false }], ['--help', { takesValue: false }], ['-h', { takesValue: false }]]);
    expect(help.subcommands).toEqual(['list']);
    expect(help.hasArguments).toBe(false);
  });

  it('fails on a made-up flag, subcommand, argument, script, path or anchor', async () => {
    const text = [
      '# Page',
      '```sh',
      'npx keelson rollout --model penguins:2 --made-up-flag 3',
      'keelson gitops frobnicate --repo .',
      'keelson status extra',
      'npm run no-such-script',
      '```',
      'Run `keelson up [--port 8080] [--turbo]`; read `platform/router/no-such-file.ts` and [this](#nowhere).',
      '`keelson judge serve` (planned) is not checked.',
    ].join('\n');
    const problems = (await check('docs/x.md', text)).map((p) => `${p.line}: ${p.message}`);
    expect(problems).toEqual([
      expect.stringMatching(/^2: .*keelson rollout has no option --made-up-flag \(it has --model, --policy/),
      expect.stringMatching(/^2: .*keelson gitops has no subcommand "frobnicate" \(it has watch, status\)/),
      expect.stringMatching(/^2: .*keelson status takes no argument "extra"/),
      expect.stringMatching(/^2: .*package.json has no script "no-such-script"/),
      expect.stringMatching(/^8: .*keelson up has no option --turbo/),
      expect.stringMatching(/^8: `platform\/router\/no-such-file.ts`: no such file/),
      expect.stringMatching(/^8: link to #nowhere: docs\/x.md has no heading/),
    ]);
  });

  it('fails on an options table that lists a flag the command lacks, or leaves one out', async () => {
    const text = ['## Stopping: `keelson down`', '', '| Flag | Default |', '|---|---|', '| `--timeout D` | `60s` |', '| `--force` | off |', '', '## `keelson promote`', '| Flag |', '|---|', '| `--why TEXT` |'].join('\n');
    expect((await check('docs/x.md', text)).map((p) => `${p.line}: ${p.message}`)).toEqual([
      '1: the table lists --force, which keelson down does not have',
      '8: the table lists --why, which keelson promote does not have',
      '8: the table lacks --reason of keelson promote',
    ]);
  });

  it('passes what the CLI accepts', async () => {
    const text = ['```sh', 'npx keelson models list -m models --check', 'keelson judge replay a.jsonl b.jsonl --json', 'npm run bench -- --quick', '```', '`keelson rollout --model penguins:2 [--policy FILE]` and `deploy/<env>.yaml`'].join('\n');
    expect(await check('README.md', text)).toEqual([]);
  });
});

describe.each(docs)('%s', (file) => {
  it('shows only commands, flags, scripts, paths and links that exist', async () => {
    const problems = await check(file, readFileSync(join(root, file), 'utf8'));
    expect(problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([]);
  });
});
