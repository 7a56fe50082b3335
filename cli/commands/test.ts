import type { Command } from 'commander';

/** The pipeline `test` step, in order: what `npm test` runs. */
export const testSteps = [
  { id: 'typecheck', title: 'type-check (tsc --noEmit)', bin: 'tsc', args: ['--noEmit'] },
  { id: 'lint', title: 'lint (eslint .)', bin: 'eslint', args: ['.'] },
  { id: 'tests', title: 'unit and integration tests (vitest run)', bin: 'vitest', args: ['run'] },
] as const;

type StepId = (typeof testSteps)[number]['id'];

/** Parses `--only a,b`, naming the bad value and the allowed ones. */
export function selectSteps(only: string | undefined): Array<(typeof testSteps)[number]> {
  if (only === undefined) return [...testSteps];
  const ids = only.split(',').map((s) => s.trim()).filter(Boolean);
  const known = testSteps.map((s) => s.id) as string[];
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0 || ids.length === 0) {
    throw new Error(`--only '${only}' is invalid: expected a comma-separated list of ${known.join(', ')}`);
  }
  return testSteps.filter((s) => ids.includes(s.id as StepId));
}

/** `keelson test`: type-check, lint, unit and integration tests, with progress and a summary. */
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
      const { join } = await import('node:path');
      const { zxExec } = await import('../../steps/exec.js');
      const { tail } = await import('../../steps/output.js');
      const { chooseMode, createReporter } = await import('../../steps/reporter.js');
      const { runStep } = await import('../../steps/step.js');

      let steps;
      try {
        steps = selectSteps(options.only);
      } catch (error) {
        throw new CliError((error as Error).message);
      }
      const root = fileURLToPath(new URL('../../', import.meta.url));
      // On a terminal the spinner shows progress and output appears only on failure; in CI the log
      // is the only record, so the tools' output streams through as it comes.
      const streaming = chooseMode(process.env, process.stderr.isTTY === true) !== 'tty';
      const reporter = createReporter();
      const failed: string[] = [];
      try {
        for (const step of steps) {
          if (failed.length > 0 && !options.keepGoing) {
            reporter.emit({ kind: 'skip', step: step.title, reason: 'an earlier step failed (--keep-going runs it anyway)' });
            continue;
          }
          const args = step.id === 'tests' ? [...step.args, ...files] : [...step.args];
          const command = `npx ${step.bin} ${args.join(' ')}`;
          await runStep(reporter, step.title, async () => {
            const result = await zxExec(join(root, 'node_modules', '.bin', step.bin), args, {
              cwd: root,
              ...(streaming ? { onLine: (line: string) => void process.stderr.write(`  │ ${line}\n`) } : {}),
            });
            if (!result.ok) {
              if (!streaming) process.stderr.write(`${tail(`${result.stdout}\n${result.stderr}`, 40)}\n`);
              throw new Error(`exit code ${result.code}; rerun \`${command}\` to see everything`);
            }
          }).catch(() => failed.push(step.id));
        }
      } finally {
        reporter.close();
      }
      if (failed.length > 0) throw new CliError(`test step failed: ${failed.join(', ')} (of ${steps.map((s) => s.id).join(', ')})`);
      console.log(`test step passed: ${steps.map((s) => s.id).join(', ')}`);
    });
}
