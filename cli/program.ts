import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';
import { COMMANDS } from './commands/index.js';

/** Builds the `keelson` program with every subcommand of `COMMANDS`. */
export function buildProgram(): Command {
  const program = new Command('keelson')
    .description('GitOps CI/CD and monitoring for machine-learning models')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of COMMANDS) command.register(program);
  return program;
}

/** Runs the CLI; the one place where errors become messages and exit codes. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
    } else if (error instanceof CliError) {
      console.error(`keelson: ${error.message}`);
      process.exitCode = error.exitCode;
    } else {
      console.error(error);
      process.exitCode = 1;
    }
  }
}
