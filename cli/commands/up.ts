import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { withoutStack } from '../errors.js';

interface UpOptions {
  models?: string;
  model?: string;
  port: string;
  host: string;
  runtime: string;
  image?: string;
  replicas: string;
  detach: boolean;
}

const DEFAULT_MODELS_DIR = 'models';

/** `keelson up`: the local platform (router + stable instances) in the foreground, or detached. */
export function register(program: Command): void {
  program
    .command('up')
    .description('start the local platform: a weighted router and the stable instance(s) of the model; Ctrl-C stops everything')
    .option('--models <dir>', `model repository (default: ${DEFAULT_MODELS_DIR}/, where the sample models are written if absent)`)
    .option('--model <name:version>', 'model and stable version to serve (default: the last stable version here, else penguins:1)')
    .option('--port <port>', 'router port', '8080')
    .option('--host <address>', 'address the router and instances bind', '127.0.0.1')
    .option('--runtime <kind>', 'how instances run: process | container', 'process')
    .option('--image <ref>', 'service image for --runtime container (default: the latest `keelson build`; env KEELSON_IMAGE)')
    .option('--replicas <n>', 'stable instances', '1')
    .option('--detach', 'start in the background and return once ready (stop with `keelson down`)', false)
    .addHelpText('after', '\nState: .keelson/state.json (KEELSON_HOME overrides .keelson); logs: .keelson/logs/<instance>.ndjson')
    .action(async (options: UpOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port ${options.port}: expected a TCP port 0..65535`);
      const replicas = Number(options.replicas);
      if (!Number.isInteger(replicas) || replicas < 1 || replicas > 16) throw new CliError(`--replicas ${options.replicas}: expected a whole number 1..16`);
      if (options.runtime !== 'process' && options.runtime !== 'container') throw new CliError(`--runtime ${options.runtime}: expected process or container`);
      const { parseModelRef } = await import('../../rollout/rollout-id.js');
      const ref = !options.model ? null : options.model.includes(':') ? parseModelRef(options.model) : { model: options.model, version: undefined };
      if (options.model && !ref) throw new CliError(`--model ${options.model}: expected NAME:VERSION such as penguins:1`);
      if (options.detach) {
        const { startDetached } = await import('../../platform/detach.js');
        const args = process.argv.slice(process.argv.indexOf('up') + 1).filter((a) => a !== '--detach');
        const state = await startDetached(args).catch((error: unknown) => {
          throw withoutStack(error);
        });
        console.log(`platform running: router ${state.platform?.routerUrl} (pid ${state.platform?.pid}), serving ${state.model}:${state.stable.version}; stop it with \`keelson down\``);
        return;
      }
      // Signals are caught from here on: a Ctrl-C while instances start must still stop them.
      const starting = new AbortController();
      let stopPlatform: (() => Promise<void>) | null = null;
      const shutdown = (signal: string): void => {
        console.error(`keelson up: ${signal}: stopping (draining instances)…`);
        starting.abort();
        void stopPlatform?.();
      };
      process.once('SIGINT', () => shutdown('SIGINT'));
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      const modelsDir = options.models ?? DEFAULT_MODELS_DIR;
      if (!options.models) {
        const { ensureSampleModels } = await import('../../tools/samples/index.js');
        await ensureSampleModels(modelsDir, (line: string) => console.error(`keelson up: ${line}`));
      }
      const { startPlatform } = await import('../../platform/platform.js');
      const { mountConsole, CONSOLE_PATH } = await import('../../console/server/index.js');
      // Ctrl-C while instances start rejects with PlatformStartAborted: `cli/errors.ts` ends that quietly.
      const platform = await startPlatform({
        signal: starting.signal,
        modelsDir,
        model: ref?.model ?? 'penguins',
        ...(ref?.version ? { version: ref.version } : {}),
        host: options.host,
        port,
        runtime: options.runtime as 'process' | 'container',
        ...(options.image ? { image: options.image } : {}),
        replicas,
        log: (line) => console.error(`keelson up: ${line}`),
        mount: mountConsole,
      });
      stopPlatform = () => platform.stop();
      if (starting.signal.aborted) await platform.stop();
      else {
        const state = platform.state();
        console.log(`router ${platform.routerUrl} → ${state.model}:${state.stable.version}; control API ${platform.controlUrl}; console ${platform.controlUrl}${CONSOLE_PATH} (log in: keelson console); Ctrl-C to stop`);
      }
      await platform.stopped;
    });
}
