import { describe, expect, it } from 'vitest';
import { runTestPipeline, selectSteps } from '../../pipelines/test.js';
import type { Exec } from '../../steps/exec.js';
import type { StepEvent } from '../../steps/events.js';

describe('keelson test: step selection', () => {
  it('runs type-check, lint and tests in that order by default, like npm test', () => {
    expect(selectSteps(undefined).map((s) => `${s.bin} ${s.args.join(' ')}`)).toEqual(['tsc --noEmit', 'eslint .', 'vitest run']);
  });

  it('keeps the pipeline order whatever order --only lists', () => {
    expect(selectSteps('tests,typecheck').map((s) => s.id)).toEqual(['typecheck', 'tests']);
  });

  it('refuses an unknown step, naming it and the allowed ones', () => {
    expect(() => selectSteps('lint,unit')).toThrow("--only 'lint,unit' is invalid: expected a comma-separated list of typecheck, lint, tests");
    expect(() => selectSteps('')).toThrow(/--only '' is invalid/);
  });
});

describe('runTestPipeline', () => {
  function fakeRun(failing: string[], keepGoing: boolean) {
    const ran: string[] = [];
    const events: StepEvent[] = [];
    const tails: string[] = [];
    const exec: Exec = async (command, args) => {
      const bin = command.split('/').at(-1)!;
      ran.push(`${bin} ${args.join(' ')}`);
      const ok = !failing.includes(bin);
      return { ok, code: ok ? 0 : 1, stdout: ok ? '' : `${bin} broke`, stderr: '' };
    };
    return {
      ran,
      events,
      tails,
      run: () => runTestPipeline({ root: '/repo', steps: selectSteps(undefined), files: ['test/x.test.ts'], keepGoing, exec, reporter: { emit: (e) => events.push(e), close: () => {} }, writeTail: (t) => tails.push(t) }),
    };
  }

  it('runs type-check, lint and the tests in order, passing files to vitest only', async () => {
    const p = fakeRun([], false);
    expect(await p.run()).toEqual([]);
    expect(p.ran).toEqual(['tsc --noEmit', 'eslint .', 'vitest run test/x.test.ts']);
  });

  it('stops after a failed step and says why the rest was skipped, unless told to keep going', async () => {
    const stop = fakeRun(['eslint'], false);
    expect(await stop.run()).toEqual(['lint']);
    expect(stop.ran).toEqual(['tsc --noEmit', 'eslint .']);
    expect(stop.events.filter((e) => e.kind === 'skip')).toHaveLength(1);
    expect(stop.tails.join('')).toContain('eslint broke');
    const going = fakeRun(['eslint'], true);
    expect(await going.run()).toEqual(['lint']);
    expect(going.ran).toHaveLength(3);
  });
});

