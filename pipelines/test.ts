import { join } from 'node:path';
import type { Exec } from '../steps/exec.js';
import { tail } from '../steps/output.js';
import type { Reporter } from '../steps/reporter.js';
import { runStep } from '../steps/step.js';

/** The pipeline `test` step, in order: what `npm test` runs. */
export const testSteps = [
  { id: 'typecheck', title: 'type-check (tsc --noEmit)', bin: 'tsc', args: ['--noEmit'] },
  { id: 'lint', title: 'lint (eslint .)', bin: 'eslint', args: ['.'] },
  { id: 'tests', title: 'unit and integration tests (vitest run)', bin: 'vitest', args: ['run'] },
] as const;

export type TestStep = (typeof testSteps)[number];

/** Parses `--only a,b`, naming the bad value and the allowed ones. */
export function selectSteps(only: string | undefined): TestStep[] {
  if (only === undefined) return [...testSteps];
  const ids = only.split(',').map((s) => s.trim()).filter(Boolean);
  const known = testSteps.map((s) => s.id) as string[];
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length > 0 || ids.length === 0) {
    throw new Error(`--only '${only}' is invalid: expected a comma-separated list of ${known.join(', ')}`);
  }
  return testSteps.filter((s) => ids.includes(s.id));
}

export interface TestPipelineOptions {
  /** Repository root (its node_modules/.bin holds the tools). */
  root: string;
  steps: TestStep[];
  /** Test files or filters passed to vitest. */
  files: string[];
  /** Run every step even after one failed. */
  keepGoing: boolean;
  exec: Exec;
  reporter: Reporter;
  /** Streams each tool's output line by line (CI); otherwise the tail is printed on failure only (a terminal). */
  onLine?: (line: string) => void;
  /** Where a failed step's output tail goes when not streaming. */
  writeTail(text: string): void;
}

/** `keelson test`: type-check, lint, then the tests, each a step with progress; returns the ids of the failed steps. */
export async function runTestPipeline(o: TestPipelineOptions): Promise<string[]> {
  const failed: string[] = [];
  for (const step of o.steps) {
    if (failed.length > 0 && !o.keepGoing) {
      o.reporter.emit({ kind: 'skip', step: step.title, reason: 'an earlier step failed (--keep-going runs it anyway)' });
      continue;
    }
    const args = step.id === 'tests' ? [...step.args, ...o.files] : [...step.args];
    const command = `npx ${step.bin} ${args.join(' ')}`;
    await runStep(o.reporter, step.title, async () => {
      const result = await o.exec(join(o.root, 'node_modules', '.bin', step.bin), args, { cwd: o.root, ...(o.onLine ? { onLine: o.onLine } : {}) });
      if (!result.ok) {
        if (!o.onLine) o.writeTail(`${tail(`${result.stdout}\n${result.stderr}`, 40)}\n`);
        throw new Error(`exit code ${result.code}; rerun \`${command}\` to see everything`);
      }
    }).catch(() => failed.push(step.id));
  }
  return failed;
}
