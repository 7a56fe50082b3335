import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { withoutStack } from '../errors.js';

interface StartOptions {
  models: string;
  port: string;
  host: string;
  repo: string;
  branch: string;
  env: string;
  interval: string;
  gitops: boolean;
}

/** `keelson start` (what `npm start` runs): the embedded default, platform + GitOps agent. */
export function register(program: Command): void {
  program
    .command('start')
    .description(
      'what `npm start` runs: train the sample models into ./models if absent, start the local platform (router on :8080) serving deploy/local.yaml, and watch this repository so commits to it roll out as canaries',
    )
    .option('--models <dir>', 'model repository (sample models are written here if absent)', 'models')
    .option('--port <port>', 'router port', '8080')
    .option('--host <address>', 'address the router and instances bind', '127.0.0.1')
    .option('--repo <path>', 'repository the GitOps agent watches', '.')
    .option('--branch <name>', 'branch holding the desired state', 'main')
    .option('--env <name>', 'environment: deploy/<env>.yaml', 'local')
    .option('--interval <duration>', 'how often the agent polls the branch', '5s')
    .option('--no-gitops', 'serve deploy/<env>.yaml without watching git')
    .action(async (options: StartOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port ${options.port}: expected a TCP port 0..65535`);
      const { durationMs } = await import('../../contract/duration.js');
      const intervalMs = durationMs(options.interval, '--interval', (m) => new CliError(m));
      const log = (line: string) => console.error(`keelson start: ${line}`);
      const { ensureSampleModels } = await import('../../tools/samples/index.js');
      await ensureSampleModels(options.models, log);
      const controller = new AbortController();
      const stop = (signal: string) => {
        log(`${signal}: stopping (draining instances)…`);
        controller.abort();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
      const { startLocal } = await import('../../gitops/start-local.js');
      const { mountConsole } = await import('../../console/server/index.js');
      await startLocal({
        modelsDir: options.models,
        port,
        host: options.host,
        repo: options.repo,
        branch: options.branch,
        environment: options.env,
        intervalMs,
        gitops: options.gitops,
        signal: controller.signal,
        log,
        mount: mountConsole,
      }).catch((error: unknown) => {
        if (controller.signal.aborted) return;
        throw withoutStack(error);
      });
    });
}
