import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Appends ndjson lines to a file: JSON lines as they are, anything else wrapped as an ECS event. */
export interface LogSink {
  follow(stream: Readable, level: 'info' | 'error'): void;
  event(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  /** Waits (up to `graceMs`) for followed streams to end, then closes the file; later lines are dropped, never thrown. */
  close(graceMs?: number): Promise<void>;
}

/** One ECS line for a message that is not JSON already (`node` names the emitter: `service.node.name`). */
export function ecsLine(level: string, message: string, node: string, fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    '@timestamp': new Date().toISOString(),
    'log.level': level,
    message,
    'ecs.version': '8.10.0',
    'service.node.name': node,
    ...fields,
  });
}

/** The ndjson form of one output line: JSON as is, anything else wrapped; blank lines dropped. */
export function ndjsonLine(line: string, level: string, node: string): string | null {
  if (line.trim() === '') return null;
  return line.startsWith('{') ? line : ecsLine(level, line, node);
}

/** Opens (appends to) `file`; `node` names the emitter in wrapped lines (`service.node.name`). */
export function createLogSink(file: string, node: string): LogSink {
  mkdirSync(dirname(file), { recursive: true });
  const out: WriteStream = createWriteStream(file, { flags: 'a' });
  // A disk error must not take the platform (and with it the router) down: the log is lost, serving is not.
  out.on('error', () => {});
  const open = new Set<Promise<void>>();
  let closed = false;
  const write = (line: string | null): void => {
    if (line !== null && !closed) out.write(`${line}\n`);
  };
  return {
    follow(stream, level) {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => write(ndjsonLine(line, level, node)));
      const ended = new Promise<void>((resolve) => lines.once('close', resolve));
      open.add(ended);
      void ended.then(() => open.delete(ended));
    },
    event(level, message, fields) {
      write(ecsLine(level, message, node, fields));
    },
    async close(graceMs = 1_000) {
      if (closed) return;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.all(open), grace]);
      clearTimeout(timer);
      closed = true;
      await new Promise<void>((resolve) => out.end(resolve));
    },
  };
}
