import { createLogger } from '../logging/logger.js';
import { SERVER_VERSION } from '../version.js';
import { followPrimary, isHttpWorker, runHttpPrimary } from './http-workers.js';
import { startServer, type RunningServer, type ServerOptions } from './start-server.js';

/**
 * Runs the server as a process: on the first SIGTERM or SIGINT it drains and exits 0; a second signal
 * exits at once with 1. Resolves when the server has started (the process then lives on). With
 * `httpWorkers` > 1 this process becomes the primary of that many serving processes and resolves undefined.
 */
export async function runUntilSignal(options: ServerOptions): Promise<RunningServer | undefined> {
  if ((options.httpWorkers ?? 1) > 1 && !isHttpWorker()) {
    runHttpPrimary(options.httpWorkers!, options.logger ?? createLogger({ level: options.logLevel ?? 'info', serviceVersion: SERVER_VERSION }));
    return undefined;
  }
  const server = await startServer(options);
  let stopping = false;
  const drain = (): void => {
    stopping = true;
    void server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  const stop = (): void => {
    if (stopping) process.exit(1);
    drain();
  };
  process.on('SIGTERM', stop);
  if (isHttpWorker()) followPrimary(() => stopping || drain());
  else process.on('SIGINT', stop);
  return server;
}
