import type { Command } from 'commander';

/** `keelson promote`: ends the running rollout now by promoting its canary, skipping the remaining analysis. */
export function register(program: Command): void {
  program
    .command('promote')
    .description('promote the running rollout\'s canary now (all traffic to it, old stable and baseline drain)')
    .option('--reason <text>', 'recorded in the history and the report', 'promoted manually with `keelson promote`')
    .action(async (options: { reason: string }) => {
      const { finishManually } = await import('../../rollout/manual.js');
      console.log(await finishManually('promote', options.reason));
    });
}
