import { createReporter } from '../steps/reporter.js';
import { zxExec } from '../steps/exec.js';
import type { ImageBuilder } from './builders/types.js';
import { containerEnv, openBuilder, type ContainerEnv } from './select.js';

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

/** `withContainerEnv` plus the image builder a command asked for (`--builder`, else `KEELSON_BUILDER`, else detected). */
export function withBuilder<T>(kind: string | undefined, action: (ctx: ContainerEnv, builder: ImageBuilder) => Promise<T>): Promise<T> {
  return withContainerEnv(async (ctx) => action(ctx, await openBuilder(ctx, kind)));
}
