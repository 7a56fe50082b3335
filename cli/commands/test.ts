import type { Command } from 'commander';

/** `keelson test`: the test pipeline (pipelines/test.ts) with progress and a summary. */
export function register(program: Command): void {
  program
    .command('test')
    .description('the pipeline test step: type-check, lint, then unit and integration tests (what `npm test` runs)')
    .argument('[files...]', 'test files or filters passed to vitest (default: the whole suite)')
    .option('--only <steps>', 'comma-separated subset of typecheck, lint, tests')
    .option('--keep-going', 'run every step even after one fails', false)
    .action(async (files: string[], options: { only?: string; keepGoing: boolean }) => {
      const { CliError } = await import('../cli-error.js');
      const { fileURLToPath } = await import('node:url');
      const { zxExec } = await import('../../steps/exec.js');
      const { chooseMode, createReporter } = await import('../../steps/reporter.js');
      const { runTestPipeline, selectSteps } = await import('../../pipelines/test.js');

      let steps;
      try {
        steps = selectSteps(options.only);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      // On a terminal the spinner shows progress and output appears only on failure; in CI the log
      // is the only record, so the tools' output streams through as it comes.
      const streaming = chooseMode(process.env, process.stderr.isTTY === true) !== 'tty';
      const reporter = createReporter();
      let failed: string[];
      try {
        failed = await runTestPipeline({
          root: fileURLToPath(new URL('../../', import.meta.url)),
          steps,
          files,
          keepGoing: options.keepGoing,
          exec: zxExec,
          reporter,
          ...(streaming ? { onLine: (line: string) => void process.stderr.write(`  │ ${line}\n`) } : {}),
          writeTail: (text) => void process.stderr.write(text),
        });
      } finally {
        reporter.close();
      }
      if (failed.length > 0) throw new CliError(`test step failed: ${failed.join(', ')} (of ${steps.map((s) => s.id).join(', ')})`);
      console.log(`test step passed: ${steps.map((s) => s.id).join(', ')}`);
    });
}
