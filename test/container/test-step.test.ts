import { describe, expect, it } from 'vitest';
import { selectSteps } from '../../cli/commands/test.js';

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
