import { describe, expect, it } from 'vitest';
import { averageRanks, kendall, meanStd, pearson, spearman, topKRecall } from './metrics.js';

/** Kendall τ-b by the O(n²) definition, as a reference for the merge-sort version. */
function kendallNaive(a: number[], b: number[]): number {
  let c = 0;
  let d = 0;
  let ta = 0;
  let tb = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i + 1; j < a.length; j++) {
      const x = Math.sign(a[i]! - a[j]!);
      const y = Math.sign(b[i]! - b[j]!);
      if (x === 0 && y === 0) continue;
      if (x === 0) ta++;
      else if (y === 0) tb++;
      else if (x === y) c++;
      else d++;
    }
  }
  return (c - d) / Math.sqrt((c + d + ta) * (c + d + tb));
}

describe('rank correlations', () => {
  it('average ranks share tied positions', () => {
    expect([...averageRanks([10, 20, 20, 5])]).toEqual([2, 3.5, 3.5, 1]);
  });

  it('match scipy on a small example with ties', () => {
    // scipy.stats.spearmanr / kendalltau of these lists: 0.9276336570439175 and 0.8280786712108251
    const a = [1, 2, 3, 4, 5, 6];
    const b = [1, 3, 2, 4, 4, 6];
    expect(spearman(a, b)).toBeCloseTo(0.9276336570439175, 12);
    expect(kendall(a, b)).toBeCloseTo(0.8280786712108251, 12);
  });

  it('are ±1 for monotone relations and NaN for constants', () => {
    const a = [3, 1, 4, 1.5, 9, 2.6];
    expect(
      spearman(
        a,
        a.map((x) => x ** 3),
      ),
    ).toBeCloseTo(1, 12);
    expect(
      kendall(
        a,
        a.map((x) => -x),
      ),
    ).toBeCloseTo(-1, 12);
    expect(spearman(a, [1, 1, 1, 1, 1, 1])).toBeNaN();
    expect(kendall([2, 2, 2], [1, 2, 3])).toBeNaN();
  });

  it('kendall agrees with the pairwise definition on random data with ties', () => {
    let s = 7;
    const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + trial * 7;
      const a = Array.from({ length: n }, () => Math.floor(rand() * 6));
      const b = a.map((x) => x + Math.floor(rand() * 4));
      expect(kendall(a, b)).toBeCloseTo(kendallNaive(a, b), 10);
    }
  });

  it('pearson is scale-free and rejects mismatched or non-finite input', () => {
    expect(pearson([1, 2, 3], [10, 20, 30.5])).toBeGreaterThan(0.99);
    expect(() => spearman([1, 2], [1, 2, 3])).toThrow(/2 and 3 entries/);
    expect(() => kendall([1, Number.NaN], [1, 2])).toThrow(/entry 1 of the first list is NaN/);
  });

  it('top-k recall counts the shared top fraction', () => {
    const truth = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];
    expect(topKRecall(truth, truth, 0.2)).toBe(1);
    expect(topKRecall([1, 2, 10, 9, 0, 0, 0, 0, 0, 0], truth, 0.2)).toBe(0);
    expect(topKRecall([10, 0, 9, 0, 0, 0, 0, 0, 0, 0], truth, 0.2)).toBe(0.5);
    expect(() => topKRecall(truth, truth, 0)).toThrow(/fraction/);
  });

  it('meanStd uses the sample standard deviation', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3) });
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0 });
  });
});
