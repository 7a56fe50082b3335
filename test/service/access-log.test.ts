import { describe, expect, it } from 'vitest';
import { logRequest, type AccessLogEntry } from '../../service/src/logging/access-log.js';
import { createLogger, type Logger } from '../../service/src/logging/logger.js';

/** A logger whose raw lines land in `lines`. */
function rawLogger(level: 'info' | 'warn' = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const destination = { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) };
  return { logger: createLogger({ level, serviceVersion: '9.9.9', destination }), lines };
}

/** The line pino itself writes for the access-log object (the format the fast serializer must reproduce). */
function pinoLine(logger: Logger, entry: AccessLogEntry): void {
  const outcome = entry.status >= 400 ? 'failure' : 'success';
  logger[entry.status >= 500 ? 'warn' : 'info'](
    {
      event: { kind: 'event', action: 'http_request', category: ['web'], type: ['access'], outcome, duration: entry.durationNs },
      http: { request: { method: entry.method, id: entry.requestId }, response: { status_code: entry.status } },
      url: { path: entry.path.slice(0, 512) },
      keelson: { route: entry.route, ...(entry.model ? { model: { name: entry.model.name, version: entry.model.version } } : {}) },
    },
    `${entry.method} ${entry.route} ${entry.status}`,
  );
}

const withoutTimestamp = (line: string): string => line.replace(/"@timestamp":"[^"]+"/, '"@timestamp":"T"');

const ENTRIES: AccessLogEntry[] = [
  { method: 'POST', path: '/v2/models/penguins/infer', route: '/v2/models/:model/infer', status: 200, durationNs: 812_345, requestId: 'a-1', model: { name: 'penguins', version: '2' } },
  { method: 'GET', path: '/nowhere', route: 'unmatched', status: 404, durationNs: 1, requestId: 'b' },
  { method: 'POST', path: '/v2/models/slow/versions/3/infer', route: '/v2/models/:model/versions/:version/infer', status: 503, durationNs: 10_000_000_000, requestId: 'c', model: { name: 'slow', version: '3' } },
  { method: 'GET', path: '/v2/models/"q\\uote"/\u0001\u001f/é😀/\u2028', route: 'unmatched', status: 400, durationNs: 7, requestId: 'd' },
  { method: 'GET', path: `/${'x'.repeat(600)}`, route: 'unmatched', status: 414, durationNs: 7, requestId: 'e' },
];

describe('access log lines', () => {
  it('are byte for byte the lines pino writes with the ECS format (bindings, levels, escaping, truncation)', () => {
    const fast = rawLogger();
    const reference = rawLogger();
    for (const entry of ENTRIES) {
      logRequest(fast.logger, entry);
      pinoLine(reference.logger, entry);
    }
    fast.logger.flush();
    reference.logger.flush();
    expect(fast.lines).toHaveLength(ENTRIES.length);
    expect(fast.lines.map(withoutTimestamp)).toEqual(reference.lines.map(withoutTimestamp));
    for (const line of fast.lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed['@timestamp']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Math.abs(new Date(parsed['@timestamp'] as string).getTime() - Date.now())).toBeLessThan(5_000);
      expect(parsed['service.version']).toBe('9.9.9');
    }
  });

  it('follows the logger level: only 5xx lines (warn) at level warn', () => {
    const { logger, lines } = rawLogger('warn');
    for (const entry of ENTRIES) logRequest(logger, entry);
    expect(lines.map((line) => (JSON.parse(line) as { http: { response: { status_code: number } } }).http.response.status_code)).toEqual([503]);
  });
});
