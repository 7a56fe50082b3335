import type { Command } from 'commander';

interface ReplayOptions {
  policy?: string;
  json?: boolean;
  final?: boolean;
}

/** `keelson judge replay`: backtest the canary judge on recorded snapshots. */
export function register(program: Command): void {
  const judge = program.command('judge').description('canary analysis: replay recorded snapshots through the judge');
  judge
    .command('replay')
    .description('walk each scenario\'s snapshots through the judge as if live and report its decision (JSON or JSONL files, one scenario per line)')
    .argument('<file...>', 'scenario files: a JSON scenario, a JSON array of scenarios, or JSONL with one scenario per line')
    .option('--policy <file>', 'judge policy (YAML or JSON); default: the built-in policy (see docs/canary-analysis.md)')
    .option('--json', 'print one JSON line per scenario: {"name", "decision", "decidedAt", "reasons"}')
    .option('--final', "treat each scenario's last snapshot as the end of the analysis window (promote, or the policy's noDataDecision)")
    .action(async (files: string[], options: ReplayOptions) => {
      // `keelson judge replay … | head` closes stdout early: stop quietly instead of crashing on EPIPE.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code === 'EPIPE') process.exit(0);
        throw error;
      });
      const { runReplay } = await import('../../analysis/replay-command.js');
      await runReplay(files, options, (line) => process.stdout.write(`${line}\n`));
    });
}
