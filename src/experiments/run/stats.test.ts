import { describe, expect, it } from 'vitest';
import { kendall, ranks, spearman } from './stats.js';

describe('rank correlations', () => {
  it('ranks ties by their average rank', () => {
    expect(ranks([10, 30, 20, 30])).toEqual([1, 3.5, 2, 3.5]);
  });

  it('gives ±1 for monotone relations and matches hand-computed values', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 35, 100])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // d = [0, -1, 1, 0, 0]: rho = 1 - 6*2 / (5*24) = 0.9
    expect(spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5])).toBeCloseTo(0.9, 12);
    // 10 pairs, 1 discordant: tau = (9 - 1) / 10
    expect(kendall([1, 2, 3, 4, 5], [1, 3, 2, 4, 5])).toBeCloseTo(0.8, 12);
    // tau-b with a tie in x: pairs (1,2) tied in x; C = 5, D = 0, ties_x = 1 -> 5 / sqrt(6 * 5)
    expect(kendall([1, 1, 2, 3], [1, 2, 3, 4])).toBeCloseTo(5 / Math.sqrt(30), 12);
  });

  it('skips non-finite pairs and is NaN when undefined', () => {
    expect(spearman([1, Number.NaN, 2, 3], [1, 100, 2, 3])).toBeCloseTo(1, 12);
    expect(spearman([1, 2], [1, 2])).toBeNaN();
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(kendall([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});
