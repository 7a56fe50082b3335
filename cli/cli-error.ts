/**
 * A command's own complaint (a bad flag or argument): printed as-is (no stack), the process exits with `exitCode`.
 * Only `cli/` throws it; other code throws its own typed errors, which `cli/errors.ts` maps.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
