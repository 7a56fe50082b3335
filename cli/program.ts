import { Command } from 'commander';
import { COMMANDS } from './commands/index.js';
import { exitFor } from './errors.js';

/** Builds the `keelson` program with every subcommand of `COMMANDS`. */
export function buildProgram(): Command {
  const program = new Command('keelson')
    .description('GitOps CI/CD and monitoring for machine-learning models')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const command of COMMANDS) command.register(program);
  return program;
}

/** Runs the CLI; a command's error ends it as `exitFor` says (message on stderr, exit status). */
export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    const exit = exitFor(error);
    if (exit.kind === 'message') console.error(`keelson: ${exit.message}`);
    if (exit.kind === 'crash') console.error(exit.error);
    process.exitCode = exit.code;
  }
}
