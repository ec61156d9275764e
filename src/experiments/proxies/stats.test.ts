import { describe, expect, it } from 'vitest';
import { proxyStats } from './stats.js';

describe('proxy stats', () => {
  it('reports rank correlations with and without the failures', () => {
    const acc = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // Perfect on the finite ones; the two best architectures failed.
    const scores = [1, 2, 3, 4, 5, 6, 7, 8, null, null];
    const s = proxyStats(scores, acc, [0.1, 0.2, 0.3]);
    expect(s.spearman_finite).toBeCloseTo(1, 12);
    expect(s.spearman).toBeLessThan(0.5);
    expect(s.nan_rate).toBeCloseTo(0.2, 12);
    expect(s.sec_per_arch).toBeCloseTo(0.2, 12);
    // Top 10% by accuracy is one architecture: Kendall τ is undefined there.
    expect(Number.isNaN(s.top10_kendall)).toBe(true);
  });

  it('computes Kendall τ within the top 10% by accuracy', () => {
    const n = 40;
    const acc = Array.from({ length: n }, (_, i) => i);
    const reversedTop = acc.map((a) => (a >= 36 ? 100 - a : a));
    expect(proxyStats(reversedTop, acc).top10_kendall).toBeCloseTo(-1, 12);
    expect(proxyStats(acc, acc).top10_kendall).toBeCloseTo(1, 12);
  });

  it('takes a failure as null only, and finite accuracies', () => {
    expect(() => proxyStats([1, Number.NaN, 3], [1, 2, 3])).toThrow(/architecture 1 has score NaN/);
    expect(() => proxyStats([1, 2, 3], [1, Infinity, 3])).toThrow(/accuracy Infinity/);
  });
});
