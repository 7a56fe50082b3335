import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import type { ModelRef } from '../repository/model-selection.js';
import { chooseExecutionProvider, parseExecutionProviders, type ProviderChoice } from '../runtime/execution-providers.js';

export interface ExecutionProviderRequest {
  /** From `--execution-provider` / `KEELSON_EXECUTION_PROVIDER`; wins over model.json. */
  executionProviders?: string[];
  requireExecutionProvider?: boolean;
}

/**
 * Picks the provider every worker creates its sessions with, before anything listens: the flag's preference,
 * else the first served version's `executionProviders` in model.json, else `cpu`. Throws `ConfigError` (exit 2)
 * when the required provider, or every preference, is unavailable.
 */
export async function executionProviderFor(request: ExecutionProviderRequest, modelsDir: string, selected: readonly ModelRef[]): Promise<Extract<ProviderChoice, { kind: 'chosen' }>> {
  const preference = request.executionProviders ?? (await manifestPreference(modelsDir, selected)) ?? ['cpu'];
  if (preference.length === 1 && preference[0] === 'cpu') return { kind: 'chosen', provider: 'cpu', preference, fallbacks: [] };
  // onnxruntime-node is loaded in the main thread only here, when something other than the CPU is asked for.
  const { probeExecutionProvider, listExecutionProviders } = await import('../runtime/onnx-session.js');
  const choice = await chooseExecutionProvider(preference, request.requireExecutionProvider ?? false, probeExecutionProvider, listExecutionProviders());
  if (choice.kind === 'refused') throw new ConfigError(choice.message);
  return choice;
}

async function manifestPreference(modelsDir: string, selected: readonly ModelRef[]): Promise<string[] | undefined> {
  for (const ref of selected) {
    const file = join(modelsDir, ref.name, ref.version, 'model.json');
    let declared: unknown;
    try {
      declared = (JSON.parse(await readFile(file, 'utf8')) as { executionProviders?: unknown }).executionProviders;
    } catch {
      continue; // an unreadable manifest is reported when the version loads
    }
    if (declared === undefined) continue;
    try {
      return parseExecutionProviders(declared as string[], `${file} executionProviders`);
    } catch (error) {
      throw new ConfigError((error as Error).message);
    }
  }
  return undefined;
}
