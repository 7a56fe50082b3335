import type { Command } from 'commander';
import { CliError } from '../cli-error.js';

export function register(program: Command): void {
  program
    .command('start')
    .description('what `npm start` runs: train the sample models into ./models if absent, then serve penguins versions 1 and 2 on http://127.0.0.1:8080')
    .option('--models <dir>', 'model repository to create/use', 'models')
    .option('--port <port>', 'port to listen on', '8080')
    .action(async (options: { models: string; port: string }) => {
      const { ensureSampleModels } = await import('../../service/src/samples/index.js');
      const { ConfigError } = await import('../../service/src/errors.js');
      const { serverOptionsFromFlags } = await import('../../service/src/server/serve-flags.js');
      const { runUntilSignal } = await import('../../service/src/server/run-until-signal.js');
      await ensureSampleModels(options.models, (line) => void process.stderr.write(`keelson start: ${line}\n`));
      try {
        await runUntilSignal(serverOptionsFromFlags({
          models: options.models, model: ['penguins:1', 'penguins:2'], host: '127.0.0.1', port: options.port,
          bodyLimit: '4MiB', drainTimeout: '10s', requestTimeout: '30s', cacheBytes: '0', driftWindow: '1000',
        }, process.env));
      } catch (error) {
        if (error instanceof ConfigError) throw new CliError(error.message, 2);
        throw error;
      }
    });
}
