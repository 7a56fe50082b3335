import { $ } from 'zx';

/** What a finished command left behind; a failed command is a value, not an exception. */
export interface ExecResult {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Added to (not replacing) the current environment. */
  env?: Record<string, string>;
  cwd?: string;
  input?: string;
  /** Called with every complete line of stdout or stderr while the command runs. */
  onLine?: (line: string) => void;
  timeoutMs?: number;
}

/** Runs a program with arguments (no shell parsing of the arguments). Injected so tests can fake it. */
export type Exec = (command: string, args: readonly string[], options?: ExecOptions) => Promise<ExecResult>;

/** The real `Exec`, on zx with `nothrow`: a non-zero exit comes back as `ok: false`. */
export const zxExec: Exec = async (command, args, options = {}) => {
  const shell = $({
    nothrow: true,
    quiet: true,
    env: { ...process.env, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.input !== undefined ? { input: options.input } : {}),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
  const child = shell`${command} ${args}`;
  if (options.onLine) {
    const onLine = options.onLine;
    for (const stream of [child.stdout, child.stderr]) stream.on('data', lineSplitter(onLine));
  }
  const output = await child;
  return { ok: output.ok, code: output.exitCode, stdout: output.stdout, stderr: output.stderr };
};

function lineSplitter(onLine: (line: string) => void): (chunk: Buffer | string) => void {
  let pending = '';
  return (chunk) => {
    const lines = (pending + String(chunk)).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) onLine(line.trimEnd());
  };
}
