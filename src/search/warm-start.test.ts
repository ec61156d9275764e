import { describe, expect, it } from 'vitest';
import { sumLandscape, toyBenchmark, toySpace, type ToyArch } from '../../test/helpers/fake-space.js';
import { getStrategy } from './index.js';
import { runSearch } from './run.js';
import type { ProxyRanking } from './warm-start.js';

const space = toySpace(4, ['a', 'b', 'c', 'd']); // 256 architectures
const bench = toyBenchmark(space, { val: sumLandscape, test: sumLandscape });

/** A proxy that is the fitness itself, except that some archs fail (null): they must rank last. */
function oracleProxy(failOn: (a: ToyArch) => boolean): ProxyRanking<ToyArch> & { calls: number } {
  const ranking = {
    name: 'oracle',
    calls: 0,
    async score(archs: readonly ToyArch[]) {
      ranking.calls++;
      return archs.map((a) => (failOn(a) ? null : sumLandscape(a)));
    },
  };
  return ranking;
}

describe('proxy warm start', () => {
  it('random search queries the pool in proxy-rank order, failures last, no repeats', async () => {
    const ranking = oracleProxy((a) => a.ops[0] === 3);
    const run = await runSearch({
      bench,
      strategy: getStrategy('rs'),
      budget: { queries: 30 },
      seed: 1,
      warmStart: { ranking, pool: 40 },
    });
    expect(ranking.calls).toBe(1);
    const info = run.warmStart!;
    expect(info.proxy).toBe('oracle');
    expect(info.distinct).toBeLessThanOrEqual(40);
    expect(info.failures).toBeGreaterThan(0);
    const pooled = run.history.slice(0, Math.min(30, info.distinct));
    const failed = pooled.map((q) => space.parse(q.arch).ops[0] === 3);
    // Every failed (null-scored) architecture comes after every scored one.
    expect(failed.indexOf(true) === -1 || failed.lastIndexOf(false) < failed.indexOf(true)).toBe(true);
    const scored = pooled.filter((_, i) => !failed[i]);
    // The successfully scored part comes first and in descending proxy (= val) order.
    expect(scored.map((q) => q.val)).toEqual([...scored.map((q) => q.val)].sort((x, y) => y - x));
    expect(scored.length).toBeGreaterThan(5);
    expect(new Set(run.history.map((q) => q.key)).size).toBe(run.history.length);
  });

  it('regularized evolution starts from the top of the ranked pool and beats its plain start', async () => {
    const ranking = oracleProxy(() => false);
    const firstFive = (warmStart?: { ranking: typeof ranking; pool: number }) =>
      runSearch({
        bench,
        strategy: getStrategy('re'),
        params: { population: 5, tournament: 2 },
        budget: { queries: 5 },
        seed: 2,
        ...(warmStart ? { warmStart } : {}),
      });
    const warm = await firstFive({ ranking, pool: 200 });
    const plain = await firstFive();
    const best = (r: typeof warm) => Math.max(...r.history.map((q) => q.val));
    expect(best(warm)).toBeGreaterThan(best(plain));
    // The 5 initial members are the 5 best-scored of the pool.
    const initial = warm.history.map((q) => q.val);
    expect(initial).toEqual([...initial].sort((x, y) => y - x));
  });

  it('a plain run carries no warm-start info and stays deterministic', async () => {
    const a = await runSearch({ bench, strategy: getStrategy('ls'), budget: { queries: 25 }, seed: 4 });
    const b = await runSearch({ bench, strategy: getStrategy('ls'), budget: { queries: 25 }, seed: 4 });
    expect(a.history.map((q) => q.key)).toEqual(b.history.map((q) => q.key));
    expect(a.warmStart).toBeUndefined();
  });
});
