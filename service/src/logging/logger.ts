import { ecsFormat } from '@elastic/ecs-pino-format';
import { pino, type DestinationStream, type Logger } from 'pino';

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
  // Synchronous writes: lines are not lost when the process exits right after draining.
  const destination = options.destination ?? pino.destination({ dest: 1, sync: true });
  return pino({ ...format, level: options.level ?? 'info' }, destination);
}
