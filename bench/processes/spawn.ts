/**
 * Starts a server as a real child process in its own process group, with its output in a log file (so the bench
 * spends no CPU draining pipes), waits until it answers its readiness URL, and stops it again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { treeCpuSeconds, treeRss, treeThreadCpuSeconds } from './proc.js';

/** How to start one server. */
export interface ServerSpec {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** The base URL when the port is fixed in advance; otherwise it is read from the log with `urlPattern`. */
  url?: string;
  /** First capture group is the base URL, e.g. `/listening on (http:\/\/\S+)/`. */
  urlPattern?: RegExp;
  /** Path that answers 200 once the server can take the benchmark's requests. */
  readyPath: string;
  startTimeoutMs?: number;
}

/** A running server. */
export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  logFile: string;
  /** RSS of the process and its children, in bytes. */
  rss(): number;
  /** CPU seconds (user + system) the process and its children have used so far. */
  cpuSeconds(): number;
  /** CPU seconds so far of every thread of the process and its children (key `pid/tid`). */
  threadCpuSeconds(): Map<string, number>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Kills every server still running (SIGKILL to each one's process group); for exit paths. */
export function killAll(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').slice(-3000);
  } catch {
    return '(no log)';
  }
}

async function waitForUrl(spec: ServerSpec, child: ChildProcess, deadline: number): Promise<string> {
  if (spec.url) return spec.url;
  if (!spec.urlPattern) throw new Error(`${spec.name}: give either url or urlPattern`);
  while (Date.now() < deadline && child.exitCode === null) {
    const match = spec.urlPattern.exec(logTail(spec.logFile));
    if (match?.[1]) return match[1];
    await sleep(100);
  }
  throw new Error(`${spec.name} printed no URL matching ${spec.urlPattern}; log:\n${logTail(spec.logFile)}`);
}

async function waitForReady(spec: ServerSpec, child: ChildProcess, url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline && child.exitCode === null) {
    const ok = await fetch(url + spec.readyPath, { signal: AbortSignal.timeout(5000) }).then((r) => r.ok, () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`${spec.name} did not answer 200 on ${url}${spec.readyPath} in time (exit code ${child.exitCode}); log:\n${logTail(spec.logFile)}`);
}

/** Starts a server and resolves once it is ready; on failure the process is killed and the log tail is in the error. */
export async function startServer(spec: ServerSpec): Promise<ServerProcess> {
  const log = openSync(spec.logFile, 'w');
  const child = spawn(spec.command, spec.args, { env: spec.env ?? process.env, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  running.add(child);
  const failedToSpawn = new Promise<never>((_, reject) => child.once('error', (error) => reject(new Error(`${spec.name}: cannot run ${spec.command}: ${error.message}`))));
  failedToSpawn.catch(() => undefined); // observed by the races below; this only keeps a late rejection handled
  const deadline = Date.now() + (spec.startTimeoutMs ?? 180_000);
  try {
    const url = await Promise.race([waitForUrl(spec, child, deadline), failedToSpawn]);
    await Promise.race([waitForReady(spec, child, url, deadline), failedToSpawn]);
    const pid = child.pid as number;
    return {
      name: spec.name,
      pid,
      url,
      logFile: spec.logFile,
      rss: () => treeRss(pid),
      cpuSeconds: () => treeCpuSeconds(pid),
      threadCpuSeconds: () => treeThreadCpuSeconds(pid),
      async stop() {
        killGroup(child, 'SIGTERM');
        if (!(await exited(child, 15_000))) killGroup(child, 'SIGKILL');
        running.delete(child);
      },
    };
  } catch (error) {
    killGroup(child, 'SIGKILL');
    running.delete(child);
    throw error;
  }
}
