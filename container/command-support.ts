import { createReporter } from '../steps/reporter.js';
import { toCliError } from './errors.js';
import { zxExec } from '../steps/exec.js';
import { containerEnv, type ContainerEnv } from './select.js';

/**
 * Runs a container command with the real environment (zx, a reporter on stderr), closes the
 * reporter however it ends, and maps container errors to CLI errors: the one place that does.
 */
export async function withContainerEnv<T>(action: (ctx: ContainerEnv) => Promise<T>): Promise<T> {
  const reporter = createReporter();
  try {
    return await action(containerEnv(zxExec, reporter));
  } catch (error) {
    throw toCliError(error);
  } finally {
    reporter.close();
  }
}
