/**
 * Checks one Markdown page against the repository: the `keelson` commands it shows exist with the flags it
 * uses, the `npm run` scripts exist, the repository paths it names exist, and its links land on a file and
 * a heading. A table of flags under a heading that names `keelson` commands lists exactly their options. A
 * command or path not built yet is written with ` (planned)` right after its code span.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { commandName, type CommandHelp } from './cli-help.js';
import { parseMarkdown, type MarkdownDoc, type Section } from './markdown.js';
import { shellCommands } from './shell.js';

export interface Problem {
  file: string;
  line: number;
  message: string;
}

export interface CheckContext {
  root: string;
  help(path: readonly string[]): Promise<CommandHelp>;
  /** `scripts` of package.json. */
  scripts: Set<string>;
  /** Top-level entries of the repository that git tracks: a backticked path starting with one must exist. */
  repoRoots: Set<string>;
}

const SHELL = new Set(['sh', 'bash', 'shell', 'console']);
const NPM_BUILTINS = new Set(['install', 'ci', 'start', 'test', 'approve-scripts', 'deny-scripts', 'install-scripts']);

export async function checkDoc(doc: MarkdownDoc, ctx: CheckContext): Promise<Problem[]> {
  const problems: Problem[] = [];
  const report = (line: number, message: string): void => void problems.push({ file: doc.file, line, message });
  for (const block of doc.blocks.filter((b) => SHELL.has(b.lang))) {
    for (const argv of shellCommands(block.text)) {
      const args = keelsonArgs(argv);
      if (args) for (const message of await checkInvocation(args, ctx)) report(block.line, `\`${argv.join(' ')}\`: ${message}`);
      else if (argv[0] === 'npm' && argv[1] === 'run' && !ctx.scripts.has(argv[2] ?? '')) report(block.line, `\`${argv.join(' ')}\`: package.json has no script "${argv[2]}"`);
      else if (argv[0] === 'npm' && argv[1] !== 'run' && !NPM_BUILTINS.has(argv[1] ?? '')) report(block.line, `\`${argv.join(' ')}\`: not an npm command the docs expect`);
    }
  }
  for (const span of doc.spans) {
    if (/^\s*\(planned\b/.test(span.after)) continue;
    const usage = /^(?:npx )?keelson (.*)$/.exec(span.text);
    if (usage) for (const message of await checkUsage(usage[1]!, ctx)) report(span.line, `\`${span.text}\`: ${message}`);
    const path = pathProblem(span.text, ctx);
    if (path) report(span.line, path);
  }
  for (const link of doc.links) {
    const message = linkProblem(doc.file, link.target, ctx, doc);
    if (message) report(link.line, message);
  }
  for (const section of doc.sections) for (const message of await optionTableProblems(section, ctx)) report(section.line, message);
  return problems;
}

const FLAG = /(?<![\w-])(--[A-Za-z][\w-]*)/g;

/**
 * A section whose heading names commands (`## Service: \`keelson serve\``) and whose table lists `--flags`:
 * every flag listed is an option of one of those commands (of a group, its subcommands), and every option is listed.
 */
export async function optionTableProblems(section: Section, ctx: Pick<CheckContext, 'help'>): Promise<string[]> {
  const documented = new Set(section.rows.flatMap((row) => [...row.firstCell.matchAll(FLAG)].map((m) => m[1]!)));
  const named = [...section.heading.matchAll(/`(?:npx )?keelson ([a-z][\w -]*)`/g)].map((m) => m[1]!.trim().split(' '));
  if (documented.size === 0 || named.length === 0) return [];
  const commands = (await Promise.all(named.map((path) => leaves(path, ctx)))).flat();
  const options = new Map<string, string>();
  for (const { path, help } of commands) {
    for (const option of help.options.keys()) if (option.startsWith('--') && option !== '--help' && option !== '--version') options.set(option, commandName(path));
  }
  const names = named.map((path) => commandName(path)).join(', ');
  return [
    ...[...documented].filter((flag) => !options.has(flag)).map((flag) => `the table lists ${flag}, which ${names} does not have`),
    ...[...options].filter(([option]) => !documented.has(option)).map(([option, command]) => `the table lacks ${option} of ${command}`),
  ];
}

async function leaves(path: string[], ctx: Pick<CheckContext, 'help'>): Promise<{ path: string[]; help: CommandHelp }[]> {
  const help = await ctx.help(path);
  if (help.subcommands.length === 0) return [{ path, help }];
  return (await Promise.all(help.subcommands.map((sub) => leaves([...path, sub], ctx)))).flat();
}

/** The arguments after `keelson`, `npx keelson` or `node bin/keelson.mjs`; undefined for other commands. */
export function keelsonArgs(argv: string[]): string[] | undefined {
  if (argv[0] === 'keelson') return argv.slice(1);
  if (argv[0] === 'npx' && argv[1] === 'keelson') return argv.slice(2);
  if (argv[0] === 'node' && argv[1]?.endsWith('bin/keelson.mjs')) return argv.slice(2);
  return undefined;
}

/** A command line as a shell would pass it: every word is a subcommand, an option (with its value) or an argument. */
export async function checkInvocation(args: string[], ctx: Pick<CheckContext, 'help'>): Promise<string[]> {
  const path: string[] = [];
  let help = await ctx.help(path);
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word === '--') break;
    if (/^--?[A-Za-z]/.test(word)) {
      const name = word.split('=')[0]!;
      const option = help.options.get(name);
      if (!option) {
        problems.push(noOption(path, name, help));
        if (!word.includes('=') && args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) i++;
      } else if (option.takesValue && !word.includes('=')) i++;
    } else if (help.subcommands.length > 0) {
      if (!help.subcommands.includes(word)) {
        problems.push(`${commandName(path)} has no subcommand "${word}" (it has ${help.subcommands.join(', ')})`);
        break;
      }
      path.push(word);
      help = await ctx.help(path);
    } else if (!help.hasArguments) {
      problems.push(`${commandName(path)} takes no argument "${word}"`);
    }
  }
  return problems;
}

/** A usage line in prose (`keelson up [--port 8080] [--runtime process\|container]`): the command exists and has every `--flag`. */
export async function checkUsage(text: string, ctx: Pick<CheckContext, 'help'>): Promise<string[]> {
  const words = text.split(' ');
  const path: string[] = [];
  let help = await ctx.help(path);
  let i = 0;
  for (; i < words.length && help.subcommands.length > 0 && /^[a-z][\w-]*$/.test(words[i]!); i++) {
    if (!help.subcommands.includes(words[i]!)) return [`${commandName(path)} has no subcommand "${words[i]}" (it has ${help.subcommands.join(', ')})`];
    path.push(words[i]!);
    help = await ctx.help(path);
  }
  const rest = words.slice(i).join(' ');
  return [...rest.matchAll(FLAG)].map((m) => m[1]!).filter((flag) => !help.options.has(flag)).map((flag) => noOption(path, flag, help));
}

function noOption(path: string[], name: string, help: CommandHelp): string {
  const known = [...help.options.keys()].filter((o) => o.startsWith('--') && o !== '--help');
  return `${commandName(path)} has no option ${name} (it has ${known.join(', ') || 'none but --help'})`;
}

const PLACEHOLDER = /[<>{}$…*[\]]|\.\.\./;

/** A backticked repository path (its first segment is a tracked top-level entry) that does not exist. */
export function pathProblem(text: string, ctx: Pick<CheckContext, 'root' | 'repoRoots'>): string | undefined {
  if (/\s/.test(text) || !text.includes('/')) return undefined;
  const path = text.replace(/:\d+(?:-\d+)?$/, '');
  const segments = path.split('/');
  if (!ctx.repoRoots.has(segments[0]!)) return undefined;
  const firstPlaceholder = segments.findIndex((s) => PLACEHOLDER.test(s));
  if (firstPlaceholder === -1) {
    return existsSync(join(ctx.root, path)) ? undefined : `\`${text}\`: no such file or directory in the repository`;
  }
  const dir = segments.slice(0, firstPlaceholder).join('/');
  if (!existsSync(join(ctx.root, dir)) || !statSync(join(ctx.root, dir)).isDirectory()) return `\`${text}\`: no directory ${dir}/ in the repository`;
  const pattern = segments[firstPlaceholder]!;
  if (firstPlaceholder === segments.length - 1 && /^[\w.*-]+$/.test(pattern)) {
    const glob = new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
    if (!readdirSync(join(ctx.root, dir)).some((f) => glob.test(f))) return `\`${text}\`: nothing in ${dir}/ matches ${pattern}`;
  }
  return undefined;
}

/** A relative link whose file is missing, or whose `#anchor` is not a heading of the page it points at. */
export function linkProblem(file: string, target: string, ctx: Pick<CheckContext, 'root'>, self: MarkdownDoc): string | undefined {
  if (/^[a-z]+:/i.test(target)) return undefined;
  const [pathPart, anchor] = target.split('#') as [string, string | undefined];
  if (pathPart === '') return self.anchors.has(anchor ?? '') ? undefined : `link to ${target}: ${file} has no heading with anchor #${anchor}`;
  const absolute = resolve(dirname(join(ctx.root, file)), pathPart);
  const shown = relative(ctx.root, absolute) || '.';
  if (!existsSync(absolute)) return `link to ${target}: no such file ${shown}`;
  if (anchor === undefined || !absolute.endsWith('.md')) return undefined;
  const anchors = parseMarkdown(shown, readFileSync(absolute, 'utf8')).anchors;
  return anchors.has(anchor) ? undefined : `link to ${target}: ${shown} has no heading with anchor #${anchor}`;
}
