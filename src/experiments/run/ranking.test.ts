import { describe, expect, it } from 'vitest';
import { proxyQuantiles, rankScores, topK } from './ranking.js';
import type { ScoredRecord } from './search-phase.js';

const rec = (arch: string, index: number, eps: number | null, params: number | null): ScoredRecord => ({
  type: 'scored',
  arch,
  index,
  scores: { epsilon: eps, params },
  ms: 1,
  at: 0,
});

const proxies = [
  { name: 'epsilon', direction: 'max' as const },
  { name: 'params', direction: 'max' as const },
];

describe('ranking', () => {
  const scored = [
    rec('a', 0, 0.5, 100),
    rec('b', 1, null, 400),
    rec('c', 2, 0.9, 200),
    rec('d', 3, 0.1, 300),
    rec('e', 4, null, null),
  ];

  it('turns scores into quantiles among the architectures a proxy could score (ties share the mean)', () => {
    expect(proxyQuantiles(scored, proxies[0]!)).toEqual(
      new Map([
        ['a', 1.5 / 3],
        ['c', 2.5 / 3],
        ['d', 0.5 / 3],
      ]),
    );
    expect(proxyQuantiles([rec('x', 0, 1, 1), rec('y', 1, 1, 1)], proxies[0]!).get('x')).toBe(0.5);
    expect(proxyQuantiles(scored, { name: 'params', direction: 'min' }).get('b')).toBe(0.5 / 4);
  });

  it('ranks by the mean quantile, a missing score counting as the middle (0.5)', () => {
    const s = rankScores(scored, proxies, 'combined');
    expect(s.get('a')).toBeCloseTo((1.5 / 3 + 0.5 / 4) / 2, 12);
    expect(s.get('b')).toBeCloseTo((0.5 + 3.5 / 4) / 2, 12);
    expect(s.get('c')).toBeCloseTo((2.5 / 3 + 1.5 / 4) / 2, 12);
    expect(s.get('e')).toBeNull();
    expect(topK(scored, proxies, 'combined', 5).map((r) => r.arch)).toEqual(['b', 'c', 'd', 'a', 'e']);
    // A cell both proxies rate highly beats one only params rates highly.
    const both = [...scored, rec('f', 5, 1.0, 350)];
    expect(topK(both, proxies, 'combined', 2).map((r) => r.arch)).toEqual(['f', 'b']);
  });

  it("'first' ranks by the first proxy alone, unscored last and ties to the earlier sample", () => {
    expect(topK(scored, proxies, 'first', 5).map((r) => r.arch)).toEqual(['c', 'a', 'd', 'b', 'e']);
    const tied = [rec('p', 0, 1, 0), rec('q', 1, 1, 0), rec('r', 2, 2, 0)];
    expect(topK(tied, proxies, 'first', 2).map((r) => r.arch)).toEqual(['r', 'p']);
  });
});
