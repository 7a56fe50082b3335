import { describe, expect, it } from 'vitest';
import { heldClass, heldFeatures, heldRows, MAX_ROWS_HELD, PredictionStore } from '../../service/src/feedback/prediction-store.js';

function store(capacity: number, ttlMs = 1_000) {
  let now = 0;
  const evicted: string[] = [];
  const s = new PredictionStore({ capacity, ttlMs, now: () => now, onEvict: (reason, count) => evicted.push(`${reason}:${count}`) });
  return { s, evicted, advance: (ms: number) => (now += ms) };
}

describe('PredictionStore: request id → prediction, bounded in entries and time', () => {
  it('holds predictions and their narrow feature rows', () => {
    const { s } = store(10);
    s.remember('a', 'penguins', '2', BigInt64Array.from([2n]), { data: [50, 15, 220, 5000], width: 4 });
    const found = s.lookup('a');
    expect(found.kind).toBe('held');
    if (found.kind !== 'held') return;
    expect(heldClass(found.entry, 0)).toBe(2);
    expect(heldClass(found.entry, 1)).toBeUndefined();
    expect(heldFeatures(found.entry, 0)).toEqual([50, 15, 220, 5000]);
  });

  it('evicts the oldest id beyond capacity and reports it', () => {
    const { s, evicted } = store(2);
    for (const id of ['a', 'b', 'c']) s.remember(id, 'm', '1', [0]);
    expect(s.size).toBe(2);
    expect(s.lookup('a').kind).toBe('unknown');
    expect(s.lookup('c').kind).toBe('held');
    expect(evicted).toEqual(['capacity:1']);
  });

  it('a reused id counts as new: the eviction order follows the latest insert, through many evictions', () => {
    const { s } = store(3);
    for (const id of ['a', 'b', 'c']) s.remember(id, 'm', '1', [0]);
    s.remember('a', 'm', '1', [1]); // a is now the newest: b goes first
    s.remember('d', 'm', '1', [0]);
    expect(['a', 'b', 'c', 'd'].map((id) => s.lookup(id).kind)).toEqual(['held', 'unknown', 'held', 'held']);
    // Far more inserts than capacity (the age queue compacts): exactly the last three stay.
    for (let i = 0; i < 5_000; i++) s.remember(`id-${i}`, 'm', '1', [0]);
    expect(s.size).toBe(3);
    expect(['id-4996', 'id-4997', 'id-4998', 'id-4999'].map((id) => s.lookup(id).kind)).toEqual(['unknown', 'held', 'held', 'held']);
  });

  it('answers "expired" after the TTL and forgets after twice the TTL', () => {
    const { s, evicted, advance } = store(10, 1_000);
    s.remember('old', 'm', '1', [1]);
    advance(1_500);
    expect(s.lookup('old')).toMatchObject({ kind: 'expired', ageMs: 1_500 });
    advance(600);
    s.remember('new', 'm', '1', [1]);
    expect(s.lookup('old').kind).toBe('unknown');
    expect(evicted).toEqual(['expired:1']);
  });

  it('holds at most MAX_ROWS_HELD rows of a request; a reused id replaces the older prediction', () => {
    const { s } = store(10);
    s.remember('big', 'm', '1', Array.from({ length: 100 }, (_, i) => i % 3));
    const big = s.lookup('big');
    if (big.kind !== 'held') throw new Error('expected held');
    expect(heldRows(big.entry)).toBe(MAX_ROWS_HELD);
    s.remember('big', 'm', '2', [2]);
    expect(s.lookup('big')).toMatchObject({ kind: 'held', entry: { version: '2', predicted: 2 } });
    expect(s.size).toBe(1);
  });

  it('capacity 0 holds nothing; bad limits are refused with their values', () => {
    const { s } = store(0);
    s.remember('a', 'm', '1', [0]);
    expect(s.size).toBe(0);
    expect(() => new PredictionStore({ capacity: -1, ttlMs: 1 })).toThrow('capacity (-1) must be a whole number >= 0');
    expect(() => new PredictionStore({ capacity: 1, ttlMs: 0 })).toThrow('ttlMs (0) must be above 0');
  });
});
