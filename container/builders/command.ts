import { check } from '../errors.js';
import type { Exec, ExecResult } from '../../steps/exec.js';
import type { ContainerRuntime } from './types.js';

/** How a builder calls its command-line tool (docker, podman, buildah). */
export interface ToolCommand {
  readonly program: string;
  /** Runs the tool; a failure throws `CommandFailedError` naming `action`, the command line and the builder's hint. */
  run: (action: string, args: string[], onLine?: (line: string) => void) => Promise<ExecResult>;
  /** Runs the tool and returns the result, failed or not (existence checks, clean-up). */
  probe: (args: string[]) => Promise<ExecResult>;
  /** Throws as `run` does when `result` failed; `args` is the command line the message shows. */
  ensureOk: (action: string, args: string[], result: ExecResult) => ExecResult;
}

export interface ToolCommandOptions {
  program: 'docker' | 'podman' | 'buildah';
  /** Arguments before every subcommand (podman's and buildah's storage flags). */
  globalArgs?: string[];
  env?: Record<string, string>;
  /** What a person can do when the tool fails, shown with the failure. */
  hint: string;
}

/** Binds a tool's program, global arguments, environment and hint once; the functions returned may be passed around alone. */
export function toolCommand(exec: Exec, { program, globalArgs = [], env, hint }: ToolCommandOptions): ToolCommand {
  const options = (onLine?: (line: string) => void) => ({ ...(env ? { env } : {}), ...(onLine ? { onLine } : {}) });
  return {
    program,
    run: async (action, args, onLine) => {
      const full = [...globalArgs, ...args];
      return check(action, program, full, await exec(program, full, options(onLine)), hint);
    },
    probe: (args) => exec(program, [...globalArgs, ...args], options()),
    ensureOk: (action, args, result) => check(action, program, args, result, hint),
  };
}

/** What docker and podman answer alike about containers. */
export function containerQueries(tool: ToolCommand): Pick<ContainerRuntime, 'isRunning' | 'logs' | 'exec' | 'listByLabel'> {
  return {
    async isRunning(name) {
      const result = await tool.probe(['container', 'inspect', '--format', '{{.State.Running}}', name]);
      return result.ok && result.stdout.trim() === 'true';
    },
    async logs(name) {
      const result = await tool.probe(['logs', name]);
      return `${result.stdout}${result.stderr}`;
    },
    exec(name, command) {
      return tool.probe(['exec', name, ...command]);
    },
    async listByLabel(key) {
      const result = await tool.run(`${tool.program} ps`, ['ps', '--all', '--filter', `label=${key}`, '--format', '{{.Names}}']);
      return result.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
    },
  };
}
