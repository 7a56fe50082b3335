/**
 * Where scenario 2's distance from the ceiling comes from, layer by layer: bare node:http (1), the same fixed answer
 * behind keelson's HTTP plumbing (1b), and the whole service (2). Each layer's busiest-thread CPU per request is the
 * serial cost that bounds its rps; the difference between two layers is what the upper one adds on that thread.
 */
import type { ScenarioResult } from '../scenarios/types.js';

/** One layer of the decomposition. */
export interface Layer {
  label: string;
  rps: number;
  /** rps relative to the bare node:http ceiling. */
  ofCeiling: number;
  busiestThreadMsPerRequest: number;
  /** Busiest-thread CPU per request added over the layer below (NaN for the ceiling). */
  addedMsPerRequest: number;
}

/** The layers that ran, in order; empty without the ceiling. */
export function decompose(ceiling: ScenarioResult | undefined, ...above: (ScenarioResult | undefined)[]): Layer[] {
  if (!ceiling) return [];
  const layers: Layer[] = [];
  let below: ScenarioResult | undefined;
  for (const result of [ceiling, ...above]) {
    if (!result) continue;
    layers.push({
      label: result.label,
      rps: result.rps,
      ofCeiling: result.rps / ceiling.rps,
      busiestThreadMsPerRequest: result.busiestThreadCpuMsPerRequest,
      addedMsPerRequest: below ? result.busiestThreadCpuMsPerRequest - below.busiestThreadCpuMsPerRequest : Number.NaN,
    });
    below = result;
  }
  return layers;
}

/** The decomposition as a Markdown table (nothing when fewer than two layers ran). */
export function decompositionTable(layers: Layer[]): string {
  if (layers.length < 2) return '';
  const rows = layers.map((l) => {
    const added = Number.isFinite(l.addedMsPerRequest) ? `${l.addedMsPerRequest >= 0 ? '+' : ''}${l.addedMsPerRequest.toFixed(3)}` : '–';
    return `| ${l.label} | ${l.rps.toFixed(0)} | ${l.ofCeiling.toFixed(2)}× | ${l.busiestThreadMsPerRequest.toFixed(3)} | ${added} |`;
  });
  return ['| layer | rps | × ceiling | busiest thread CPU ms/req | added ms/req |', '| :--- | ---: | ---: | ---: | ---: |', ...rows].join('\n');
}
