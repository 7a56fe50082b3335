import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { CliError } from './cli-error.js';

/**
 * A `keelson` subcommand: a file `cli/commands/<name>.ts` exporting `register`.
 * Heavy imports belong inside the action, so `keelson --help` stays fast.
 */
export interface CommandModule {
  register(program: Command): void;
}

const commandsDir = fileURLToPath(new URL('./commands/', import.meta.url));

/** Builds the `keelson` program with every subcommand found in `cli/commands/`. */
export async function buildProgram(): Promise<Command> {
  const program = new Command('keelson')
    .description('GitOps CI/CD and monitoring for machine-learning models')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const files = readdirSync(commandsDir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort();
  for (const file of files) {
    const mod = (await import(new URL(`./commands/${file}`, import.meta.url).href)) as CommandModule;
    mod.register(program);
  }
  return program;
}

/** Runs the CLI; the one place where errors become messages and exit codes. */
export async function main(argv: string[]): Promise<void> {
  const program = await buildProgram();
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
