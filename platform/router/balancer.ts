import type { Variant, Weights } from '../../contract/variants.js';

/** An instance the router may send traffic to. */
export interface Upstream {
  name: string;
  role: Variant;
  version: string;
  host: string;
  port: number;
}

interface Slot {
  upstream: Upstream;
  weight: number;
  current: number;
}

/**
 * Smooth weighted round robin (the nginx algorithm) over instances: a variant's weight is split evenly
 * among its instances. Deterministic, so even a few requests follow the weights closely, which matters
 * at a 5% step with little traffic.
 */
export class Balancer {
  private slots: Slot[] = [];

  /** Replaces the pool and the weights; counters of instances that stay are kept. */
  update(upstreams: readonly Upstream[], weights: Weights): void {
    const perRole = new Map<Variant, number>();
    for (const u of upstreams) perRole.set(u.role, (perRole.get(u.role) ?? 0) + 1);
    const previous = new Map(this.slots.map((s) => [s.upstream.name, s.current]));
    this.slots = upstreams.map((upstream) => ({
      upstream,
      weight: weights[upstream.role] / (perRole.get(upstream.role) ?? 1),
      current: previous.get(upstream.name) ?? 0,
    }));
  }

  /**
   * Picks the next instance, skipping `exclude` (instances that already failed this request).
   * `version` pins version-addressed requests to instances serving that version, if any.
   * Falls back to zero-weight instances only when no weighted one is left, so a retry still has somewhere to go.
   */
  pick(exclude: ReadonlySet<string> = new Set(), version?: string): Upstream | undefined {
    const candidates = this.slots.filter((s) => !exclude.has(s.upstream.name));
    if (version !== undefined) {
      const pinned = candidates.filter((s) => s.upstream.version === version);
      if (pinned.length > 0) {
        const weighted = pinned.filter((s) => s.weight > 0);
        return weighted.length > 0 ? roundRobin(weighted) : pinned[0]?.upstream;
      }
    }
    const weighted = candidates.filter((s) => s.weight > 0);
    if (weighted.length > 0) return roundRobin(weighted);
    return (candidates.find((s) => s.upstream.role === 'stable') ?? candidates[0])?.upstream;
  }

  /** The upstreams currently in the pool. */
  list(): Upstream[] {
    return this.slots.map((s) => s.upstream);
  }
}

function roundRobin(slots: Slot[]): Upstream | undefined {
  let total = 0;
  let best: Slot | undefined;
  for (const slot of slots) {
    slot.current += slot.weight;
    total += slot.weight;
    if (!best || slot.current > best.current) best = slot;
  }
  if (!best) return undefined;
  best.current -= total;
  return best.upstream;
}
