import type { Command } from 'commander';

/** `keelson rollback`: ends the running rollout now; all traffic back to stable at once. */
export function register(program: Command): void {
  program
    .command('rollback')
    .description('roll the running rollout back now: all traffic to stable at once, canary and baseline drain and stop')
    .option('--reason <text>', 'recorded in the history and the report', 'rolled back manually with `keelson rollback`')
    .action(async (options: { reason: string }) => {
      const { finishManually } = await import('../../rollout/manual.js');
      console.log(await finishManually('rollback', options.reason));
    });
}
