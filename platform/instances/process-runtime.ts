import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../state.js';
import { ecsLine, ndjsonLine } from './log-sink.js';
import type { AdoptableInstance, InstanceExit, InstanceRuntime, InstanceSpec, RunningInstance } from './runtime.js';

const KEELSON_BIN = fileURLToPath(new URL('../../bin/keelson.mjs', import.meta.url));

/** Command line that serves one model version (`keelson serve`), as the process runtime runs it. */
function serveArgs(spec: InstanceSpec): string[] {
  return [
    'serve',
    '--models', spec.modelsDir,
    '--model', `${spec.model}:${spec.version}`,
    '--host', spec.host,
    '--port', String(spec.port),
  ];
}

/** Where an instance's standard error goes while it runs (folded into its ndjson log when it exits). */
const stderrPath = (logFile: string): string => logFile.replace(/\.ndjson$/, '') + '.stderr.log';

/**
 * Runs each instance as a child Node.js process in its own process group, so Ctrl-C reaches the
 * platform alone and the platform decides the order of shutdown. Output goes straight to files, never
 * through pipes held by the platform: an instance keeps serving (and logging) when the platform dies,
 * and a restarted platform adopts it.
 */
export function createProcessRuntime(options: { bin?: string; pollMs?: number } = {}): InstanceRuntime {
  const bin = options.bin ?? KEELSON_BIN;
  const pollMs = options.pollMs ?? 250;
  return {
    kind: 'process',
    async start(spec: InstanceSpec): Promise<RunningInstance> {
      mkdirSync(dirname(spec.logFile), { recursive: true });
      const out = openSync(spec.logFile, 'a');
      const err = openSync(stderrPath(spec.logFile), 'a');
      const child = spawn(process.execPath, [bin, ...serveArgs(spec)], {
        stdio: ['ignore', out, err],
        detached: true,
        env: { ...process.env, ...spec.env, KEELSON_INSTANCE: spec.name },
      });
      closeSync(out);
      closeSync(err);
      const exited = new Promise<InstanceExit>((resolve) => {
        child.once('exit', (code, signal) => {
          foldStderr(spec.logFile, spec.name);
          const level = code === 0 || signal === 'SIGTERM' ? 'info' : 'error';
          appendLine(spec.logFile, ecsLine(level, 'instance exited', spec.name, { 'process.exit_code': code, 'process.signal': signal }));
          resolve({ code, signal });
        });
        child.once('error', (error) => {
          appendLine(spec.logFile, ecsLine('error', `instance could not start: ${error.message}`, spec.name));
          resolve({ code: null, signal: null });
        });
      });
      return handle(spec.host, spec.port, child.pid ?? null, exited, (signal) => child.kill(signal));
    },
    adopt(instance: AdoptableInstance): RunningInstance | null {
      if (!instance.pid || !servesAt(instance.pid, instance)) return null;
      const pid = instance.pid;
      const exited = (async (): Promise<InstanceExit> => {
        while (isAlive(pid)) await sleep(pollMs);
        foldStderr(instance.logFile, instance.name);
        return { code: null, signal: null };
      })();
      const signal = (s: NodeJS.Signals): void => {
        try {
          process.kill(pid, s);
        } catch {
          // Gone meanwhile.
        }
      };
      return handle(instance.host, instance.port, pid, exited, signal);
    },
  };
}

function handle(host: string, port: number, pid: number | null, exited: Promise<InstanceExit>, kill: (signal: NodeJS.Signals) => void): RunningInstance {
  let done = false;
  void exited.then(() => (done = true));
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    pid,
    exited,
    async stop(graceMs) {
      if (done) return exited;
      kill('SIGTERM');
      const timer = setTimeout(() => kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Whether `pid` is still the `keelson serve` of this instance (a reused pid runs something else). */
export function servesAt(pid: number, instance: Pick<AdoptableInstance, 'model' | 'version' | 'port'>): boolean {
  if (!isAlive(pid)) return false;
  let args: string[];
  try {
    args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return false;
  }
  const at = (flag: string) => args[args.indexOf(flag) + 1];
  return args.includes('serve') && at('--model') === `${instance.model}:${instance.version}` && at('--port') === String(instance.port);
}

/** Moves what the instance wrote to standard error into its ndjson log, as ECS events. */
function foldStderr(logFile: string, node: string): void {
  const file = stderrPath(logFile);
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n').map((l) => ndjsonLine(l, 'error', node)).filter((l) => l !== null);
  if (lines.length > 0) appendFileSync(logFile, `${lines.join('\n')}\n`);
  rmSync(file, { force: true });
}

function appendLine(file: string, line: string): void {
  try {
    appendFileSync(file, `${line}\n`);
  } catch {
    // The log directory is gone (a test cleaned up): nothing to keep.
  }
}
