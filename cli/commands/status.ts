import type { Command } from 'commander';

/** `keelson status`: what runs on the local platform, the rollout in progress, the last outcome. */
export function register(program: Command): void {
  program
    .command('status')
    .description('show the local platform: stable and canary versions, weights, instances, the rollout in progress, recent history')
    .option('--json', 'print state.json (plus whether the platform is running) as JSON', false)
    .option('--history <n>', 'history entries to show', '8')
    .action(async (options: { json: boolean; history: string }) => {
      const { readStatus, formatStatus } = await import('../../platform/status.js');
      const status = await readStatus();
      console.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status, Number(options.history) || 8).join('\n'));
    });
}
