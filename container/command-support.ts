import { createReporter } from '../steps/reporter.js';
import { zxExec } from '../steps/exec.js';
import { containerEnv, type ContainerEnv } from './select.js';

/**
 * Runs a container command with the real environment (zx, a reporter on stderr) and closes the reporter however
 * it ends. Its `ContainerError`s reach the CLI as they are: `cli/errors.ts` prints them with their hint.
 */
export async function withContainerEnv<T>(action: (ctx: ContainerEnv) => Promise<T>): Promise<T> {
  const reporter = createReporter();
  try {
    return await action(containerEnv(zxExec, reporter));
  } finally {
    reporter.close();
  }
}
