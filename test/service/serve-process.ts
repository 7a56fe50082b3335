import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/keelson.mjs', import.meta.url));

/** A `keelson` child process with its parsed ECS log lines. */
export interface KeelsonProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the URL from the `listening` log line. */
  listening: Promise<string>;
}

/** Starts `node bin/keelson.mjs <args>` (real process, real signals). */
export function spawnKeelson(args: string[], env: Record<string, string> = {}): KeelsonProcess {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  let buffered = '';
  let announce: (url: string) => void = () => undefined;
  const listening = new Promise<string>((resolve) => (announce = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const part of parts.filter(Boolean)) {
      const line = JSON.parse(part) as Record<string, unknown>;
      lines.push(line);
      const url = (line.keelson as { url?: string } | undefined)?.url;
      if ((line.event as { action?: string } | undefined)?.action === 'listening' && url) announce(url);
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, lines, stderr: () => stderr, exited, listening };
}

/** Polls `url` until it answers 200 (bounded). */
export async function waitFor200(url: string, attempts = 300): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const status = await fetch(url).then((r) => r.status, () => 0);
    if (status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} never answered 200`);
}

/** Kills a child that is still running (afterAll safety net). */
export function killIfRunning(process: KeelsonProcess | undefined): void {
  if (process && process.child.exitCode === null && process.child.signalCode === null) process.child.kill('SIGKILL');
}
