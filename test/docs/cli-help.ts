/**
 * What the real `keelson` CLI accepts, read from its `--help` output (commander's format), which stays the same
 * however the commands are registered.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OptionHelp {
  /** Whether the option takes a value (`--port <port>`), so the next word is its value. */
  takesValue: boolean;
}

export interface CommandHelp {
  /** Long (`--port`) and short (`-o`) names. */
  options: Map<string, OptionHelp>;
  subcommands: string[];
  /** Whether the command takes positional arguments (an `Arguments:` section). */
  hasArguments: boolean;
}

const OPTION = /^ {2}(?:(-[A-Za-z]), )?(--[\w-]+)(?: ([<[][^>\]]*[>\]]))?/;
const COMMAND = /^ {2}([a-z][\w-]*)\b/;

/** Parses commander's help text: the `Options:`, `Commands:` and `Arguments:` sections. */
export function parseHelp(text: string): CommandHelp {
  const help: CommandHelp = { options: new Map(), subcommands: [], hasArguments: false };
  let section = '';
  for (const line of text.split('\n')) {
    const heading = /^(\w+):\s*$/.exec(line);
    if (heading) {
      section = heading[1]!;
      continue;
    }
    if (section === 'Options') {
      const m = OPTION.exec(line);
      if (!m) continue;
      const option = { takesValue: m[3] !== undefined };
      help.options.set(m[2]!, option);
      if (m[1]) help.options.set(m[1], option);
    } else if (section === 'Commands') {
      const m = COMMAND.exec(line);
      if (m && m[1] !== 'help') help.subcommands.push(m[1]!);
    } else if (section === 'Arguments' && line.trim() !== '') {
      help.hasArguments = true;
    }
  }
  return help;
}

/** Asks `node bin/keelson.mjs <path> --help` once per command path, a few processes at a time. */
export function helpReader(root: string, concurrency = 3): (path: readonly string[]) => Promise<CommandHelp> {
  const cache = new Map<string, Promise<CommandHelp>>();
  const slots = limit(concurrency);
  return (path) => {
    const key = path.join(' ');
    let help = cache.get(key);
    if (!help) {
      const bin = join(root, 'bin', 'keelson.mjs');
      help = slots(() => run(process.execPath, [bin, ...path, '--help'], { cwd: root, timeout: 60_000 })).then(({ stdout }) => parseHelp(stdout));
      cache.set(key, help);
    }
    return help;
  };
}

function limit(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/** `keelson <path>`, for messages. */
export const commandName = (path: readonly string[]): string => ['keelson', ...path].join(' ');
