import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { ReplayInputError } from '../../analysis/errors.js';
import { CliError } from '../../cli/cli-error.js';
import { exitFor, RolloutNotPromoted, withoutStack, type Exit } from '../../cli/errors.js';
import { CommandFailedError, ContainerError, InvalidOptionError, ToolMissingError } from '../../container/errors.js';
import { DashboardConfigError } from '../../dashboards/options.js';
import {
  PlatformBadRequest,
  PlatformConflict,
  PlatformNotFound,
  PlatformStartAborted,
  PlatformUnavailable,
  PlatformUnreachable,
} from '../../platform/errors.js';
import { PolicyError, RolloutConflict } from '../../rollout/errors.js';
import type { RolloutResult } from '../../rollout/run-rollout.js';
import { ConfigError } from '../../service/src/errors.js';

const result = (outcome: RolloutResult['outcome'], reason: string): RolloutResult => ({
  id: 'r-42',
  model: 'penguins',
  fromVersion: '1',
  toVersion: '3',
  outcome,
  decidedBy: 'judge',
  reason,
  durationMs: 1_000,
  switchMs: null,
  resolvedOrphan: null,
  reports: { markdown: 'reports/r-42.md', html: 'reports/r-42.html' },
});

const message = (code: number, text: string): Exit => ({ kind: 'message', code, message: text });

const cases: Array<[string, Error, Exit]> = [
  ['a commander usage error (commander printed it)', new CommanderError(1, 'commander.missingMandatoryOptionValue', "error: required option '--model <name:version>' not specified"), { kind: 'quiet', code: 1 }],
  ['--help (commander printed it)', new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), { kind: 'quiet', code: 0 }],
  ['a bad flag found by a command', new CliError('--port 99999: expected a TCP port 0..65535'), message(1, '--port 99999: expected a TCP port 0..65535')],
  ['a bad flag with its own status', new CliError('--models m: cannot write', 2), message(2, '--models m: cannot write')],
  ['Ctrl-C while the platform starts', new PlatformStartAborted(), { kind: 'quiet', code: 0 }],
  [
    'a rolled-back rollout',
    new RolloutNotPromoted(result('rolled-back', 'error rate 4.0% above the baseline')),
    message(2, 'rolled back penguins:3 (rollout r-42, decided by judge): error rate 4.0% above the baseline'),
  ],
  [
    'an unfinished rollout',
    new RolloutNotPromoted(result('unfinished', 'platform unreachable')),
    message(1, 'rollout r-42 of penguins:3 did not finish: platform unreachable'),
  ],
  ['another rollout running', new RolloutConflict('rollout r-41 is running', 'r-41'), message(3, 'rollout r-41 is running')],
  ['a platform conflict', new PlatformConflict('a platform is already running from .keelson'), message(3, 'a platform is already running from .keelson')],
  ['a bad rollout policy', new PolicyError('p.yaml', ["'colour' is not a policy field"]), message(1, "p.yaml: invalid rollout policy\n  - 'colour' is not a policy field")],
  ['no platform', new PlatformUnavailable('no platform is running from .keelson'), message(1, 'no platform is running from .keelson')],
  [
    'a platform that stopped answering',
    new PlatformUnreachable('http://127.0.0.1:1', 2_000, 3, 'ECONNREFUSED', null),
    message(1, 'platform unreachable for 2 s (control API http://127.0.0.1:1, 3 attempts, last: ECONNREFUSED); no answer from it since this client started; run `keelson status`'),
  ],
  ['no such rollout', new PlatformNotFound('no rollout is in progress'), message(1, 'no rollout is in progress')],
  ['a request the platform refused', new PlatformBadRequest("'version' is 9: no such version"), message(1, "'version' is 9: no such version")],
  ['an unusable replay input', new ReplayInputError('cannot read scenario file x.jsonl: ENOENT'), message(1, 'cannot read scenario file x.jsonl: ENOENT')],
  ['a container error with a hint', new ContainerError('there is no image to test', 'run `keelson build` first'), message(1, 'there is no image to test\n  → run `keelson build` first')],
  ['a container error without a hint', new ContainerError('no image'), message(1, 'no image')],
  ['a missing tool', new ToolMissingError('podman', 'install podman'), message(1, "'podman' was not found on PATH\n  → install podman")],
  ['a bad container option', new InvalidOptionError('--ready-timeout', 'x', 'a positive number of seconds'), message(1, "--ready-timeout 'x' is invalid: expected a positive number of seconds")],
  [
    'a failed container command',
    new CommandFailedError('push', 'podman push x', { ok: false, code: 125, stdout: '', stderr: 'denied' }, 'log in first'),
    message(1, 'push failed (exit code 125): podman push x\n    denied\n  → log in first'),
  ],
  ['a bad serve flag', new ConfigError("--port 'x' is invalid: expected a TCP port"), message(2, "--port 'x' is invalid: expected a TCP port")],
  [
    'a bad dashboards flag, named as typed',
    new DashboardConfigError('availabilityTarget', 99.9, 'must be a number between 0 and 1 (exclusive)'),
    message(2, '--availability-target (99.9) must be a number between 0 and 1 (exclusive)'),
  ],
  ['a bad dashboards option without a flag', new DashboardConfigError('panels', 0, 'must be positive'), message(2, "'panels' (0) must be positive")],
];

describe('exitFor: every error a command may end with → exit status and message', () => {
  it.each(cases)('%s', (_, error, exit) => {
    expect(exitFor(error)).toEqual(exit);
  });

  it('prints an unknown error whole (stack included) and exits 1', () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'pid')");
    expect(exitFor(bug)).toEqual({ kind: 'crash', code: 1, error: bug });
    expect(exitFor('a string')).toEqual({ kind: 'crash', code: 1, error: 'a string' });
  });
});

describe('withoutStack', () => {
  it('turns an unknown error into its message, exit 1', () => {
    expect(exitFor(withoutStack(new Error('the platform exited before it was ready')))).toEqual(message(1, 'the platform exited before it was ready'));
  });

  it('leaves known errors to their own rule', () => {
    const conflict = new PlatformConflict('a platform is already running');
    expect(withoutStack(conflict)).toBe(conflict);
  });
});
