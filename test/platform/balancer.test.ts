import { describe, expect, it } from 'vitest';
import { Balancer, type Upstream } from '../../platform/router/balancer.js';

const up = (name: string, role: Upstream['role'], version: string): Upstream => ({ name, role, version, host: '127.0.0.1', port: 1 });
const pool = [up('s1', 'stable', '1'), up('s2', 'stable', '1'), up('b', 'baseline', '1'), up('c', 'canary', '2')];

function tally(balancer: Balancer, n: number, exclude?: Set<string>, version?: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const picked = balancer.pick(exclude, version);
    const key = picked?.name ?? 'none';
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('weighted balancer', () => {
  it('follows the weights exactly over a cycle, splitting a variant across its instances', () => {
    const b = new Balancer();
    b.update(pool, { stable: 90, baseline: 5, canary: 5 });
    expect(tally(b, 200)).toEqual({ s1: 90, s2: 90, b: 10, c: 10 });
  });

  it('interleaves small weights instead of bunching them', () => {
    const b = new Balancer();
    b.update(pool, { stable: 50, baseline: 25, canary: 25 });
    const first8 = Array.from({ length: 8 }, () => b.pick()?.name);
    expect(first8.filter((n) => n === 'c')).toHaveLength(2);
  });

  it('sends nothing to a zero-weight variant unless nothing else is left', () => {
    const b = new Balancer();
    b.update(pool, { stable: 100, baseline: 0, canary: 0 });
    expect(tally(b, 10)).toEqual({ s1: 5, s2: 5 });
    expect(b.pick(new Set(['s1', 's2']))?.name).toBeDefined();
  });

  it('skips excluded instances (a retry goes elsewhere)', () => {
    const b = new Balancer();
    b.update(pool, { stable: 90, baseline: 5, canary: 5 });
    expect(tally(b, 50, new Set(['c']))).not.toHaveProperty('c');
  });

  it('pins version-addressed requests to instances of that version', () => {
    const b = new Balancer();
    b.update(pool, { stable: 90, baseline: 5, canary: 5 });
    expect(tally(b, 10, undefined, '2')).toEqual({ c: 10 });
    expect(tally(b, 10, undefined, '9')).not.toHaveProperty('none');
  });

  it('returns undefined with an empty pool', () => {
    expect(new Balancer().pick()).toBeUndefined();
  });
});
