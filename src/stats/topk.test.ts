import { describe, expect, it } from 'vitest';
import { kendall } from './correlation.js';
import { topKendall, topKRecall } from './topk.js';

describe('top-k recall', () => {
  const THROW = { nonFinite: 'throw' } as const;

  it('counts the shared top fraction', () => {
    const truth = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(topKRecall(truth, truth, 0.2, THROW)).toBe(1);
    expect(topKRecall([1, 2, 10, 9, 0, 0, 0, 0, 0, 0], truth, 0.2, THROW)).toBe(0);
    expect(topKRecall([10, 0, 9, 0, 0, 0, 0, 0, 0, 0], truth, 0.2, THROW)).toBe(0.5);
    expect(() => topKRecall(truth, truth, 0, THROW)).toThrow(/fraction/);
  });

  it('follows the non-finite policy', () => {
    const truth = [4, 3, 2, 1];
    const predicted = [Number.NaN, 3, 2, 1];
    expect(() => topKRecall(predicted, truth, 0.25, THROW)).toThrow(/entry 0 of the first list/);
    expect(topKRecall(predicted, truth, 0.25, { nonFinite: 'worst' })).toBe(0);
    expect(topKRecall(predicted, truth, 0.34, { nonFinite: 'drop' })).toBe(1);
  });
});

describe('Kendall τ within the true top fraction', () => {
  const truth = Array.from({ length: 40 }, (_, i) => i);

  it('orders only the top part', () => {
    const reversedTop = truth.map((t) => (t >= 36 ? 100 - t : t));
    expect(topKendall(reversedTop, truth, 0.1, { nonFinite: 'throw' })).toBeCloseTo(-1, 12);
    // Every tie at the cut is in: the top 0.2 of ten is two, but two share the cut value of 8.
    const tied = [1, 2, 3, 4, 5, 6, 7, 8, 8, 9];
    const scores = [0, 0, 0, 0, 0, 0, 0, 3, 1, 2];
    const THROW = { nonFinite: 'throw' } as const;
    expect(topKendall(scores, tied, 0.2, THROW)).toBe(kendall([3, 1, 2], [8, 8, 9], THROW));
  });

  it('applies the policy to the scores and wants finite truth', () => {
    const scores = truth.map((t) => (t === 39 ? Number.NaN : t));
    expect(topKendall(scores, truth, 0.1, { nonFinite: 'worst' })).toBeLessThan(1);
    expect(() => topKendall(truth, [...truth.slice(1), Number.NaN], 0.1, { nonFinite: 'worst' })).toThrow(
      /every truth value must be finite/,
    );
    expect(() => topKendall(truth, truth, 1.5, { nonFinite: 'throw' })).toThrow(/fraction/);
  });
});
