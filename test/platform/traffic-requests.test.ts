import { describe, expect, it } from 'vitest';
import { penguinRows, rowPicker } from '../../platform/traffic/requests.js';

describe('traffic rows', () => {
  const rows = penguinRows();

  it('sends the same rows in the same order on every run with the same seed, another order with another seed', () => {
    const take = (seed: number) => {
      const next = rowPicker(rows, seed);
      return Array.from({ length: 50 }, () => rows.indexOf(next()));
    };
    expect(take(1)).toEqual(take(1));
    expect(take(2)).not.toEqual(take(1));
  });

  it('draws from the whole table, each species about as often as it appears', () => {
    const next = rowPicker(rows);
    const drawn = Array.from({ length: 3_420 }, () => next());
    expect(new Set(drawn).size).toBeGreaterThan(rows.length * 0.95);
    const gentoo = (row: number[]) => row[2]! >= 205; // flipper length: Gentoo's are the long ones
    const share = drawn.filter(gentoo).length / drawn.length;
    expect(share).toBeCloseTo(rows.filter(gentoo).length / rows.length, 1);
  });

  it('refuses an empty table', () => {
    expect(() => rowPicker([])).toThrow('no penguin rows to send');
  });
});
