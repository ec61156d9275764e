import { describe, expect, it } from 'vitest';
import { topKRecall } from './topk.js';

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
