import { CommanderError } from 'commander';
import { ReplayInputError } from '../analysis/errors.js';
import { ContainerError } from '../container/errors.js';
import { DashboardConfigError } from '../dashboards/options.js';
import { DeployError, KubernetesError } from '../kubernetes/errors.js';
import { PlatformBadRequest, PlatformConflict, PlatformNotFound, PlatformStartAborted, PlatformUnavailable } from '../platform/errors.js';
import { PolicyError, RolloutConflict } from '../rollout/errors.js';
import type { RolloutResult } from '../rollout/run-rollout.js';
import { ConfigError } from '../service/src/errors.js';
import { CliError } from './cli-error.js';
import { DASHBOARD_FLAGS } from './commands/dashboards.js';

// Only error classes are imported here, from modules that hold little else: `keelson --help` loads this file too.

/** Exit statuses of `keelson` (docs/local-platform.md, "Commands"): `rollout` ends 0 promoted, 2 rolled back, 3 conflict, 1 else. */
export const EXIT = { ok: 0, failed: 1, badFlag: 2, rolledBack: 2, conflict: 3 } as const;

/** How a command that threw ends: what goes to stderr and the exit status. */
export type Exit =
  /** Nothing more to print: commander has printed its usage error or help, or the user interrupted. */
  | { kind: 'quiet'; code: number }
  /** An error the user can act on: printed as `keelson: <message>`, without a stack. */
  | { kind: 'message'; code: number; message: string }
  /** An error no rule knows: printed whole, stack included, since it is a bug or a surprise. */
  | { kind: 'crash'; code: number; error: unknown };

/** Thrown by `keelson rollout` when the rollout ended without promoting its canary: exit non-zero and say why. */
export class RolloutNotPromoted extends Error {
  constructor(readonly result: RolloutResult) {
    super(`rollout ${result.id} ${result.outcome}`);
    this.name = 'RolloutNotPromoted';
  }
}

const message = (code: number, text: string): Exit => ({ kind: 'message', code, message: text });

/** What a command's error means for the user: the one place where errors become messages and exit statuses. */
export function exitFor(error: unknown): Exit {
  if (error instanceof CommanderError) return { kind: 'quiet', code: error.exitCode };
  if (error instanceof CliError) return message(error.exitCode, error.message);
  if (error instanceof PlatformStartAborted) return { kind: 'quiet', code: EXIT.ok };
  if (error instanceof RolloutNotPromoted) return rolloutExit(error.result);
  if (error instanceof RolloutConflict || error instanceof PlatformConflict) return message(EXIT.conflict, error.message);
  if (
    error instanceof PolicyError ||
    error instanceof PlatformUnavailable ||
    error instanceof PlatformNotFound ||
    error instanceof PlatformBadRequest ||
    error instanceof ReplayInputError ||
    error instanceof KubernetesError ||
    error instanceof DeployError
  ) {
    return message(EXIT.failed, error.message);
  }
  if (error instanceof ContainerError) return message(EXIT.failed, error.hint ? `${error.message}\n  → ${error.hint}` : error.message);
  if (error instanceof ConfigError) return message(EXIT.badFlag, error.message);
  if (error instanceof DashboardConfigError) return message(EXIT.badFlag, withFlagName(error));
  return { kind: 'crash', code: EXIT.failed, error };
}

/**
 * For commands whose failures are all the user's to read (`start`, `up --detach`): an error no rule knows is shown
 * as its message, without a stack.
 */
export function withoutStack(error: unknown): unknown {
  return error instanceof Error && exitFor(error).kind === 'crash' ? new CliError(error.message) : error;
}

function rolloutExit(result: RolloutResult): Exit {
  if (result.outcome === 'unfinished') {
    return message(EXIT.failed, `rollout ${result.id} of ${result.model}:${result.toVersion} did not finish: ${result.reason}`);
  }
  return message(EXIT.rolledBack, `rolled back ${result.model}:${result.toVersion} (rollout ${result.id}, decided by ${result.decidedBy}): ${result.reason}`);
}

/** The option's field name replaced by the flag that sets it, so the message names what the user typed. */
function withFlagName(error: DashboardConfigError): string {
  const flag = DASHBOARD_FLAGS[error.field];
  return flag ? error.message.replace(`'${error.field}'`, flag) : error.message;
}
