import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Appends ndjson lines to a file: JSON lines as they are, anything else wrapped as an ECS event. */
export interface LogSink {
  follow(stream: Readable, level: 'info' | 'error'): void;
  event(level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** Opens (appends to) `file`; `node` names the emitter in wrapped lines (`service.node.name`). */
export function createLogSink(file: string, node: string): LogSink {
  mkdirSync(dirname(file), { recursive: true });
  const out: WriteStream = createWriteStream(file, { flags: 'a' });
  const wrap = (level: string, message: string, fields: Record<string, unknown> = {}): string =>
    JSON.stringify({
      '@timestamp': new Date().toISOString(),
      'log.level': level,
      message,
      'ecs.version': '8.10.0',
      'service.node.name': node,
      ...fields,
    });
  return {
    follow(stream, level) {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => {
        if (line.trim() === '') return;
        out.write(`${line.startsWith('{') ? line : wrap(level, line)}\n`);
      });
    },
    event(level, message, fields) {
      out.write(`${wrap(level, message, fields)}\n`);
    },
    close() {
      return new Promise((resolve) => out.end(resolve));
    },
  };
}
