import { Option, type Command } from 'commander';

/** `keelson router`: the local platform's data plane, started (and adopted after a restart) by `keelson up`. */
export function register(program: Command): void {
  program
    .command('router')
    .description('run the local platform\'s weighted router as a process of its own (started by `keelson up`; you do not run it by hand)')
    .requiredOption('--info-file <path>', 'where to write the router\'s pid, URL and admin URL once it listens')
    .requiredOption('--token-file <path>', 'the platform\'s control token file: the admin API asks for its token')
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'port to bind (0 picks a free one)', '8080')
    .addOption(new Option('--http-headers-timeout <duration>', 'a client must send a request\'s headers within this (408 and close beyond)').env('KEELSON_HTTP_HEADERS_TIMEOUT').default('10s'))
    .addOption(new Option('--http-request-timeout <duration>', 'a client must send a whole request, body included, within this (408 and close beyond)').env('KEELSON_HTTP_REQUEST_TIMEOUT').default('60s'))
    .addHelpText('after', '\nSIGTERM drains open connections and exits. The platform sets the pool through the admin API on loopback.')
    .action(async (options: { infoFile: string; tokenFile: string; host: string; port: string; httpHeadersTimeout: string; httpRequestTimeout: string }) => {
      const { runRouterProcess, EXIT_ADDRESS_UNUSABLE } = await import('../../platform/router/data-plane.js');
      const { parseDuration } = await import('../../service/src/server/units.js');
      const httpTimeouts = { headersMs: parseDuration(options.httpHeadersTimeout, '--http-headers-timeout'), requestMs: parseDuration(options.httpRequestTimeout, '--http-request-timeout') };
      const { ecsLine } = await import('../../platform/instances/log-sink.js');
      const log = (line: string) => console.log(ecsLine('info', line, 'keelson-router'));
      const running = await runRouterProcess({ host: options.host, port: Number(options.port), infoFile: options.infoFile, tokenFile: options.tokenFile, httpTimeouts, log }).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL') {
          console.error(`keelson router: ${options.host}:${options.port} cannot be used (${error.code})`);
          process.exit(EXIT_ADDRESS_UNUSABLE);
        }
        throw error;
      });
      const stop = () => void running.stop().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
