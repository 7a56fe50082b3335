import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../service/src/logging/logger.js';

/** A real ECS logger whose lines land in `lines` (parsed). */
export function captureLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination }), lines };
}

/** The `event.action` of a log line. */
export const actionOf = (line: Record<string, unknown>): unknown => (line.event as { action?: string } | undefined)?.action;
