import { pino } from 'pino';
import type { Logger } from './logger.js';

/** One HTTP request, for the access log. */
export interface AccessLogEntry {
  method: string;
  path: string;
  route: string;
  status: number;
  durationNs: number;
  requestId: string;
  /** The model version an inference request resolved to. */
  model?: { name: string; version: string } | undefined;
}

const { chindingsSym, streamSym } = pino.symbols;
const LEVEL_INFO = '{"log.level":"info","@timestamp":"';
const LEVEL_WARN = '{"log.level":"warn","@timestamp":"';

let cachedSecond = -1;
let secondPrefix = '';

/** `new Date().toISOString()`, with the date and time up to the second formatted once per second. */
function isoNow(): string {
  const ms = Date.now();
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    secondPrefix = new Date(second * 1000).toISOString().slice(0, 20); // "2026-11-27T23:54:16."
  }
  const millis = ms - second * 1000;
  return `${secondPrefix}${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/**
 * Writes the ECS access-log line of one request: byte for byte the line `logger.info({...}, msg)` writes
 * with the ECS format of `createLogger` (its bindings and destination are the logger's own, through
 * `pino.symbols`), built by one template instead of pino's generic serializer and the ECS formatter, which
 * cost ≈10 µs per line: the access log is written once per request, on the thread that serves HTTP.
 */
export function logRequest(logger: Logger, entry: AccessLogEntry): void {
  const level = entry.status >= 500 ? 'warn' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  const outcome = entry.status >= 400 ? 'failure' : 'success';
  const line = `${level === 'info' ? LEVEL_INFO : LEVEL_WARN}${isoNow()}"${(logger as unknown as Record<symbol, string>)[chindingsSym]}`
    + `,"event":{"kind":"event","action":"http_request","category":["web"],"type":["access"],"outcome":"${outcome}","duration":${entry.durationNs}}`
    + `,"http":{"request":{"method":${jsonString(entry.method)},"id":${jsonString(entry.requestId)}},"response":{"status_code":${entry.status}}}`
    + `,"url":{"path":${jsonString(entry.path.slice(0, 512))}},"keelson":${routeAndModel(entry)}`
    + `,"message":${jsonString(`${entry.method} ${entry.route} ${entry.status}`)}}\n`;
  (logger as unknown as Record<symbol, pino.DestinationStream>)[streamSym]!.write(line);
}

/** Characters that make `JSON.stringify` differ from plain quotes: quote, backslash, controls, surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(text)`, skipped for the common text that needs no escaping. */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** The `keelson` object of a line; few distinct values, so each is built once. */
const routeAndModelCache = new Map<string, string>();
function routeAndModel(entry: AccessLogEntry): string {
  const key = entry.model ? `${entry.route}\u0000${entry.model.name}\u0000${entry.model.version}` : entry.route;
  let text = routeAndModelCache.get(key);
  if (text === undefined) {
    const model = entry.model ? `,"model":{"name":${JSON.stringify(entry.model.name)},"version":${JSON.stringify(entry.model.version)}}` : '';
    text = `{"route":${JSON.stringify(entry.route)}${model}}`;
    if (routeAndModelCache.size < 1000) routeAndModelCache.set(key, text); // route templates × served versions: bounded anyway
  }
  return text;
}
