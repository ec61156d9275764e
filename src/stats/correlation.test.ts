import { describe, expect, it } from 'vitest';
import { kendall, pearson, spearman } from './correlation.js';

const THROW = { nonFinite: 'throw' } as const;

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
  it('match scipy on a small example with ties', () => {
    // scipy.stats.spearmanr / kendalltau of these lists: 0.9276336570439175 and 0.8280786712108251
    const a = [1, 2, 3, 4, 5, 6];
    const b = [1, 3, 2, 4, 4, 6];
    expect(spearman(a, b, THROW)).toBeCloseTo(0.9276336570439175, 12);
    expect(kendall(a, b, THROW)).toBeCloseTo(0.8280786712108251, 12);
  });

  it('match hand-computed values', () => {
    // d = [0, -1, 1, 0, 0]: rho = 1 - 6*2 / (5*24) = 0.9
    expect(spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5], THROW)).toBeCloseTo(0.9, 12);
    // 10 pairs, 1 discordant: tau = (9 - 1) / 10
    expect(kendall([1, 2, 3, 4, 5], [1, 3, 2, 4, 5], THROW)).toBeCloseTo(0.8, 12);
    // tau-b with a tie in x: pairs (1,2) tied in x; C = 5, D = 0, ties_x = 1 -> 5 / sqrt(6 * 5)
    expect(kendall([1, 1, 2, 3], [1, 2, 3, 4], THROW)).toBeCloseTo(5 / Math.sqrt(30), 12);
  });

  it('are ±1 for monotone relations and NaN for constants', () => {
    const a = [3, 1, 4, 1.5, 9, 2.6];
    expect(
      spearman(
        a,
        a.map((x) => x ** 3),
        THROW,
      ),
    ).toBeCloseTo(1, 12);
    expect(
      kendall(
        a,
        a.map((x) => -x),
        THROW,
      ),
    ).toBeCloseTo(-1, 12);
    expect(spearman(a, [1, 1, 1, 1, 1, 1], THROW)).toBeNaN();
    expect(kendall([2, 2, 2], [1, 2, 3], THROW)).toBeNaN();
  });

  it('kendall agrees with the pairwise definition on random data with ties', () => {
    let s = 7;
    const rand = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let trial = 0; trial < 20; trial++) {
      const n = 5 + trial * 7;
      const a = Array.from({ length: n }, () => Math.floor(rand() * 6));
      const b = a.map((x) => x + Math.floor(rand() * 4));
      expect(kendall(a, b, THROW)).toBeCloseTo(kendallNaive(a, b), 10);
    }
  });

  it('pearson is scale-free; every policy rejects mismatched lengths', () => {
    expect(pearson([1, 2, 3], [10, 20, 30.5], THROW)).toBeGreaterThan(0.99);
    expect(pearson([1], [2], THROW)).toBeNaN();
    for (const nonFinite of ['throw', 'drop', 'worst'] as const) {
      expect(() => spearman([1, 2], [1, 2, 3], { nonFinite })).toThrow(/2 and 3 entries/);
    }
  });

  it("'throw' names the non-finite entry", () => {
    expect(() => kendall([1, Number.NaN], [1, 2], THROW)).toThrow(/entry 1 of the first list is NaN/);
    expect(() => spearman([1, 2], [Infinity, 2], THROW)).toThrow(/entry 0 of the second list is Infinity/);
  });

  it("'drop' skips non-finite pairs; minPairs makes short lists NaN", () => {
    const drop = { nonFinite: 'drop', minPairs: 3 } as const;
    expect(spearman([1, Number.NaN, 2, 3], [1, 100, 2, 3], drop)).toBeCloseTo(1, 12);
    expect(kendall([1, 2, 3, -Infinity], [3, 2, 1, 0], drop)).toBeCloseTo(-1, 12);
    expect(spearman([1, 2], [1, 2], drop)).toBeNaN();
    expect(spearman([1, 2], [1, 2], { nonFinite: 'drop' })).toBe(1);
    expect(spearman([1, 2, Number.NaN], [1, 2, 3], drop)).toBeNaN();
    expect(spearman([1, 1, 1], [1, 2, 3], drop)).toBeNaN();
    expect(kendall([1, 1, 1], [1, 2, 3], drop)).toBeNaN();
  });

  it("'worst' ties the failures below every finite value", () => {
    const worst = { nonFinite: 'worst' } as const;
    // The failures are the two worst architectures: a perfect ranking.
    expect(spearman([3, Number.NaN, 4, Number.NaN], [3, 1, 4, 1], worst)).toBeCloseTo(1, 12);
    // However low the finite scores, a failure ranks below them.
    expect(kendall([-1e9, Number.NaN, -Infinity], [3, 1, 1], worst)).toBeCloseTo(1, 12);
    expect(kendall([Number.NaN, Number.NaN], [1, 2], worst)).toBeNaN();
  });
});
