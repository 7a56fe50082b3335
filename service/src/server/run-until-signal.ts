import { startServer, type RunningServer, type ServerOptions } from './start-server.js';

/**
 * Runs the server as a process: on the first SIGTERM or SIGINT it drains and exits 0; a second signal
 * exits at once with status 1. Resolves when the server has started (the process then lives on).
 */
export async function runUntilSignal(options: ServerOptions): Promise<RunningServer> {
  const server = await startServer(options);
  let stopping = false;
  const stop = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    void server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}
