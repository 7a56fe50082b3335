import { describe, expect, it } from 'vitest';
import { checkFeedbackPlan, noisy, penguinTruth } from '../../platform/traffic/feedback.js';
import { loadPenguins } from '../../tools/penguins.js';

describe('keelson traffic --feedback: the labels it sends', () => {
  it('knows the true species of every penguin row it draws', () => {
    const truthOf = penguinTruth();
    const penguins = loadPenguins();
    expect(penguins.filter((p) => truthOf(p.features) === p.label).length).toBeGreaterThanOrEqual(penguins.length - 2);
    expect(truthOf([1, 2, 3, 4])).toBeUndefined();
  });

  it('--label-noise P swaps a share P of the labels for a wrong species, never the true one', () => {
    let wrong = 0;
    for (let i = 0; i < 1_000; i++) {
      const label = noisy(1, 0.3, i / 1_000, (i * 7919) % 1_000 / 1_000);
      if (label !== 1) wrong++;
      expect([0, 1, 2]).toContain(label);
    }
    expect(wrong).toBe(300);
    expect(noisy(2, 0, 0, 0.9)).toBe(2);
    expect(noisy(2, 1, 0.5, 0.9)).toBe(1);
  });

  it('refuses shares outside 0..1, naming the flag and the value', () => {
    expect(() => checkFeedbackPlan({ rate: 1.5 })).toThrow('--feedback 1.5: expected a share between 0 and 1');
    expect(() => checkFeedbackPlan({ rate: 0.5, labelNoise: -0.1 })).toThrow('--label-noise -0.1: expected a share between 0 and 1');
  });
});
