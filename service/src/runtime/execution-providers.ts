/**
 * Which onnxruntime execution provider serves: an ordered preference (`--execution-provider cuda,cpu`,
 * `executionProviders` in model.json, `service.executionProviders` in the deploy spec) checked against what
 * this machine can actually create a session with. Pure: the probe is passed in.
 */

import { EXECUTION_PROVIDERS } from '../../../contract/execution-providers.js';

export { EXECUTION_PROVIDERS };

/** Whether a provider can create a session here, and if not what onnxruntime said. */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** The outcome of choosing: a provider (after skipping unavailable preferences) or why start-up must stop. */
export type ProviderChoice =
  | { kind: 'chosen'; provider: string; preference: string[]; fallbacks: { provider: string; reason: string }[] }
  | { kind: 'refused'; message: string };

/** Parses `cuda,cpu`; a message names the field, the value and the accepted names. */
export function parseExecutionProviders(value: string | readonly string[], field: string): string[] {
  const names = (typeof value === 'string' ? value.split(',') : [...value]).map((n) => n.trim().toLowerCase()).filter(Boolean);
  if (names.length === 0) throw new Error(`${field} ${JSON.stringify(value)}: expected a comma-separated list such as cuda,cpu`);
  for (const name of names) {
    if (!(EXECUTION_PROVIDERS as readonly string[]).includes(name)) {
      throw new Error(`${field} ${JSON.stringify(value)}: unknown execution provider '${name}'; expected some of ${EXECUTION_PROVIDERS.join(', ')}`);
    }
  }
  if (new Set(names).size !== names.length) throw new Error(`${field} ${JSON.stringify(value)}: a provider is listed twice`);
  return names;
}

/**
 * Walks the preference in order and takes the first provider the probe accepts. With `require`, the first
 * preference must work: no fallback (a GPU pod that silently serves on CPU is a capacity incident).
 */
export async function chooseExecutionProvider(preference: readonly string[], require: boolean, probe: (provider: string) => Promise<ProbeResult>, available: string): Promise<ProviderChoice> {
  const fallbacks: { provider: string; reason: string }[] = [];
  for (const provider of preference) {
    const result = await probe(provider);
    if (result.ok) return { kind: 'chosen', provider, preference: [...preference], fallbacks };
    if (require) {
      return { kind: 'refused', message: `--require-execution-provider: execution provider '${provider}' (first of ${preference.join(',')}) cannot be used: onnxruntime-node says "${result.reason}" (this onnxruntime-node lists ${available})` };
    }
    fallbacks.push({ provider, reason: result.reason });
  }
  const tried = fallbacks.map((f) => `${f.provider}: "${f.reason}"`).join('; ');
  return { kind: 'refused', message: `--execution-provider ${preference.join(',')}: none can be used (${tried}); this onnxruntime-node lists ${available}` };
}
