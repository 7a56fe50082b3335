import type { Command } from 'commander';

/** `keelson down`: stops the platform started by `keelson up --detach` (or one in another terminal). */
export function register(program: Command): void {
  program
    .command('down')
    .description('stop the local platform: instances drain, then the router stops; does nothing when none is running')
    .option('--timeout <duration>', 'how long to wait for a clean stop before killing the platform process', '60s')
    .action(async (options: { timeout: string }) => {
      const { stopPlatform } = await import('../../platform/down.js');
      const { durationMs } = await import('../../contract/duration.js');
      const { CliError } = await import('../cli-error.js');
      const timeoutMs = durationMs(options.timeout, '--timeout', (m) => new CliError(m));
      console.log(await stopPlatform({ timeoutMs }));
    });
}
