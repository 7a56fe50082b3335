import type { Command } from 'commander';

/** `keelson status`: what runs on the local platform, the rollout in progress, the last outcome. */
export function register(program: Command): void {
  program
    .command('status')
    .description('show the local platform: stable and canary versions, weights, instances, the rollout in progress, recent history')
    .option('--json', 'print state.json (plus whether the platform is running) as JSON', false)
    .option('--history <n>', 'history entries to show', '8')
    .action(async (options: { json: boolean; history: string }) => {
      // The platform and the GitOps agent each report their part; neither knows the other.
      const [{ keelsonPaths }, { readStatus, formatStatus }, { readGitopsStatus, formatGitopsStatus }] = await Promise.all([
        import('../../contract/keelson-paths.js'),
        import('../../platform/status.js'),
        import('../../gitops/status.js'),
      ]);
      const paths = keelsonPaths();
      const platform = await readStatus(paths);
      const gitops = readGitopsStatus(paths.gitopsStatus);
      if (options.json) console.log(JSON.stringify({ ...platform, gitops }, null, 2));
      else console.log(formatStatus(platform, Number(options.history) || 8, gitops ? formatGitopsStatus(gitops) : []).join('\n'));
    });
}
