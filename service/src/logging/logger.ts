import { ecsFormat } from '@elastic/ecs-pino-format';
import { pino, type DestinationStream, type Logger } from 'pino';
import { batchedDestination } from './batched-destination.js';

export type { Logger } from 'pino';

/** Levels `LOG_LEVEL` accepts. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options of the service logger; tests pass a destination that captures lines. */
export interface LoggerOptions {
  level?: LogLevel;
  serviceVersion?: string;
  destination?: DestinationStream;
}

/** A pino logger writing one Elastic Common Schema JSON object per line (stdout unless told otherwise). */
export function createLogger(options: LoggerOptions = {}): Logger {
  const format = ecsFormat({ apmIntegration: false, serviceName: 'keelson', ...(options.serviceVersion ? { serviceVersion: options.serviceVersion } : {}) });
  // One write per event-loop turn instead of one blocking write(2) per request line (see batched-destination).
  const destination = options.destination ?? batchedDestination(1);
  return pino({ ...format, level: options.level ?? 'info' }, destination);
}

/** Resolves once every buffered line has been written (a no-op for destinations without a buffer). */
export function flushLogger(logger: Logger): Promise<void> {
  return new Promise((resolve) => {
    try {
      logger.flush(() => resolve());
    } catch {
      resolve(); // a destination that cannot flush (already closed) has nothing left to write
    }
  });
}
