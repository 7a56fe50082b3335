import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { LOG_LEVELS, type LogLevel } from '../logging/logger.js';
import { checkHttpTimeouts, HTTP_TIMEOUTS } from './http-timeouts.js';
import type { ServerOptions } from './start-server.js';
import { parseBytes, parseDuration, parseInteger } from './units.js';

/** `keelson serve` options as commander hands them over (strings; env fallbacks already applied). */
export interface ServeFlags {
  models: string;
  model: string[];
  host: string;
  port: string;
  metricsPort?: string;
  bodyLimit: string;
  drainTimeout: string;
  requestTimeout: string;
  httpHeadersTimeout: string;
  httpRequestTimeout: string;
  authTokenFile?: string;
  logLevel?: string;
  workers?: string;
  intraOpThreads?: string;
  maxBatchSize?: string;
  maxQueueDelayUs?: string;
  maxQueueSize?: string;
  cacheBytes: string;
  driftWindow: string;
  feedbackCapacity: string;
  feedbackTtl: string;
  feedbackLog?: string;
}

/** Turns flags and environment into `ServerOptions`, with a clear message for every bad value. */
export function serverOptionsFromFlags(flags: ServeFlags, env: NodeJS.ProcessEnv): ServerOptions {
  const optionalInt = (value: string | undefined, flag: string, min: number, max?: number) =>
    value === undefined ? undefined : parseInteger(value, flag, min, max);
  const logLevel = flags.logLevel ?? env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel as LogLevel)) throw new ConfigError(`LOG_LEVEL ${JSON.stringify(logLevel)}: expected one of ${LOG_LEVELS.join(', ')}`);
  const options: ServerOptions = {
    modelsDir: flags.models,
    models: flags.model,
    host: flags.host,
    port: parseInteger(flags.port, '--port', 0, 65535),
    bodyLimitBytes: parseBytes(flags.bodyLimit, '--body-limit'),
    drainTimeoutMs: parseDuration(flags.drainTimeout, '--drain-timeout'),
    requestTimeoutMs: parseDuration(flags.requestTimeout, '--request-timeout'),
    httpTimeouts: checkHttpTimeouts({
      ...HTTP_TIMEOUTS,
      headersMs: parseDuration(flags.httpHeadersTimeout, '--http-headers-timeout'),
      requestMs: parseDuration(flags.httpRequestTimeout, '--http-request-timeout'),
    }),
    cacheBytes: parseBytes(flags.cacheBytes, '--cache-bytes'),
    driftWindowRows: parseInteger(flags.driftWindow, '--drift-window', 10, 65535),
    feedback: {
      capacity: parseInteger(flags.feedbackCapacity, '--feedback-capacity', 0, 10_000_000),
      ttlMs: positive(parseDuration(flags.feedbackTtl, '--feedback-ttl'), '--feedback-ttl'),
      ...(flags.feedbackLog ? { logDir: flags.feedbackLog } : {}),
    },
    logLevel: logLevel as LogLevel,
  };
  const extra = {
    metricsPort: optionalInt(flags.metricsPort, '--metrics-port', 0, 65535),
    workers: optionalInt(flags.workers, '--workers', 1, 256),
    intraOpThreads: optionalInt(flags.intraOpThreads, '--intra-op-threads', 1, 256),
    maxBatchSize: optionalInt(flags.maxBatchSize, '--max-batch-size', 0),
    maxQueueDelayUs: optionalInt(flags.maxQueueDelayUs, '--max-queue-delay-us', 0, 10_000_000),
    maxQueueSize: optionalInt(flags.maxQueueSize, '--max-queue-size', 1),
    authToken: authToken(flags.authTokenFile, env),
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) Object.assign(options, { [key]: value });
  return options;
}

/** The bearer token: from `--auth-token-file` if given, else `KEELSON_AUTH_TOKEN`; none = auth off. */
function authToken(file: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (file !== undefined) {
    let token: string;
    try {
      token = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw new ConfigError(`--auth-token-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
    if (token === '') throw new ConfigError(`--auth-token-file ${file}: the file is empty`);
    return token;
  }
  const token = env.KEELSON_AUTH_TOKEN?.trim();
  return token ? token : undefined;
}

function positive(ms: number, flag: string): number {
  if (ms <= 0) throw new ConfigError(`${flag} ${ms} ms: expected a duration above 0`);
  return ms;
}
