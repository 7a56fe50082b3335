import { ConfigError } from '../errors.js';
import { LOG_LEVELS, type LogLevel } from '../logging/logger.js';
import { checkHttpTimeouts, HTTP_TIMEOUTS } from './http-timeouts.js';
import type { ServerOptions } from './start-server.js';
import { parseBytes, parseDuration, parseInteger } from './units.js';
import { parseExecutionProviders } from '../runtime/execution-providers.js';
import { loadTokenFile } from './token-file.js';

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
  httpWorkers?: string;
  maxBatchSize?: string;
  maxQueueDelayUs?: string;
  maxQueueSize?: string;
  cacheBytes: string;
  driftWindow: string;
  executionProvider?: string;
  requireExecutionProvider?: boolean;
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
    httpWorkers: optionalInt(flags.httpWorkers, '--http-workers', 1, 64),
    maxBatchSize: optionalInt(flags.maxBatchSize, '--max-batch-size', 0),
    maxQueueDelayUs: optionalInt(flags.maxQueueDelayUs, '--max-queue-delay-us', 0, 10_000_000),
    maxQueueSize: optionalInt(flags.maxQueueSize, '--max-queue-size', 1),
    ...authOptions(flags.authTokenFile, env),
    executionProviders: flags.executionProvider === undefined ? undefined : executionProviders(flags.executionProvider),
    requireExecutionProvider: flags.requireExecutionProvider || undefined,
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) Object.assign(options, { [key]: value });
  return options;
}

function executionProviders(value: string): string[] {
  try {
    return parseExecutionProviders(value, '--execution-provider');
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

/**
 * Bearer tokens: `--auth-token-file` (read now, so a missing or empty file stops the start, then re-read while the
 * server runs) if given, else `KEELSON_AUTH_TOKEN`; neither = auth off.
 */
function authOptions(file: string | undefined, env: NodeJS.ProcessEnv): Pick<ServerOptions, 'authToken' | 'authTokenFile' | 'authReloadMs'> {
  if (file !== undefined) {
    loadTokenFile(file);
    const interval = env.KEELSON_AUTH_RELOAD_INTERVAL;
    return { authTokenFile: file, ...(interval ? { authReloadMs: positive(parseDuration(interval, 'KEELSON_AUTH_RELOAD_INTERVAL'), 'KEELSON_AUTH_RELOAD_INTERVAL') } : {}) };
  }
  const token = env.KEELSON_AUTH_TOKEN?.trim();
  return token ? { authToken: token } : {};
}

function positive(ms: number, flag: string): number {
  if (ms <= 0) throw new ConfigError(`${flag} ${ms} ms: expected a duration above 0`);
  return ms;
}
