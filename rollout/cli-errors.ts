import { CliError } from '../cli/cli-error.js';
import { PlatformBadRequest, PlatformConflict, PlatformNotFound, PlatformUnavailable } from '../platform/errors.js';
import { PolicyError } from './policy.js';
import { RolloutConflict } from './run-rollout.js';

/** Exit codes of the platform and rollout commands (README, "Pipelines and the local platform"). */
export const EXIT = { failed: 1, rolledBack: 2, conflict: 3 } as const;

/** Maps platform and rollout errors to CLI errors: the one place that does. */
export function toCliError(error: unknown): unknown {
  if (error instanceof RolloutConflict) return new CliError(`${error.message}`, EXIT.conflict);
  if (error instanceof PlatformConflict) return new CliError(error.message, EXIT.conflict);
  if (error instanceof PolicyError) return new CliError(error.message, EXIT.failed);
  if (error instanceof PlatformUnavailable || error instanceof PlatformNotFound || error instanceof PlatformBadRequest) {
    return new CliError(error.message, EXIT.failed);
  }
  return error;
}

/** Runs a command action, mapping its errors. */
export async function mapErrors<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw toCliError(error);
  }
}
