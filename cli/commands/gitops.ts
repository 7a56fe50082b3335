import type { Command } from 'commander';

export function register(program: Command): void {
  const gitops = program.command('gitops').description('GitOps: deploy what the branch says, roll back with git revert');

  gitops
    .command('watch')
    .description('watch a branch and roll out every change to deploy/<env>.yaml on the running local platform (keelson up)')
    .option('--repo <path|url>', 'repository to watch (a path is read in place; a URL is mirrored under .keelson/)', '.')
    .option('--branch <name>', 'branch holding the desired state', 'main')
    .option('--env <name>', 'environment: reads deploy/<env>.yaml', 'local')
    .option('--interval <duration>', 'how often to poll the branch (SIGHUP checks at once)', '10s')
    .option('--models <dir>', 'model repository the platform serves from', 'models')
    .option('--test-command <cmd>', 'shell command run in a clean checkout of each commit before its rollout (default: no test step)')
    .option('--prometheus <url>', 'judge with Prometheus at this URL instead of scraping the arms')
    .option('--reports <dir>', 'where rollout reports go', 'reports')
    .action(async (opts: { repo: string; branch: string; env: string; interval: string; models: string; testCommand?: string; prometheus?: string; reports: string }) => {
      const { durationMs } = await import('../../contract/duration.js');
      const { keelsonPaths } = await import('../../contract/keelson-paths.js');
      const { runGitopsAgent } = await import('../../gitops/run-agent.js');
      const { CliError } = await import('../cli-error.js');
      const { redactUrl } = await import('../../contract/redact.js');
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const intervalMs = durationMs(opts.interval, '--interval', (m) => new CliError(m));
      console.log(`gitops: watching ${redactUrl(opts.repo)} ${opts.branch} for deploy/${opts.env}.yaml every ${opts.interval} (Ctrl-C stops)`);
      await runGitopsAgent({
        repo: opts.repo,
        branch: opts.branch,
        environment: opts.env,
        intervalMs,
        paths: keelsonPaths(),
        modelsDir: opts.models,
        reportsDir: opts.reports,
        signal: controller.signal,
        log: (line) => console.log(line),
        ...(opts.testCommand ? { testCommand: opts.testCommand } : {}),
        ...(opts.prometheus ? { prometheusUrl: opts.prometheus } : {}),
      });
    });

  gitops
    .command('status')
    .description('show what the GitOps agent attempted, what succeeded, what is live and why anything failed')
    .option('--json', 'print .keelson/gitops.json as is')
    .action(async (opts: { json?: boolean }) => {
      const { keelsonPaths } = await import('../../contract/keelson-paths.js');
      const { readGitopsStatus, formatGitopsStatus } = await import('../../gitops/status.js');
      const { CliError } = await import('../cli-error.js');
      const status = readGitopsStatus(keelsonPaths().gitopsStatus);
      if (!status) throw new CliError('no GitOps agent has run here: start one with `keelson gitops watch` (or `npm start`)');
      console.log(opts.json ? JSON.stringify(status, null, 2) : formatGitopsStatus(status).join('\n'));
    });
}
