import { describe, expect, it } from 'vitest';
import { sumLandscape, toyBenchmark, toySpace, type ToyArch } from '../../test/helpers/fake-space.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { BenchmarkEvaluator, type QueryRecord } from './evaluator.js';
import { STRATEGIES, getStrategy } from './index.js';
import { incumbentAt, incumbentAtTime, oracle } from './results.js';
import { runSearch, runSeeds, summarizeRuns } from './run.js';
import { resolveParams } from './strategy.js';

const space = toySpace(4, ['a', 'b', 'c', 'd']); // 256 architectures
const bench = toyBenchmark(space, {
  val: sumLandscape,
  // Test disagrees with validation at the top, so the honest result differs from the best test seen.
  test: (a) => sumLandscape(a) + (a.ops[0] === 2 ? 100 : 0),
  seconds: (a) => 10 + a.ops[0]!,
});
const fast = { bananas: { encoding: 'onehot', epochs: 20, members: 2, candidates: 30 } } as Record<
  string,
  Record<string, string | number>
>;

describe('strategies on a toy benchmark', () => {
  for (const def of STRATEGIES) {
    const params = fast[def.name] ?? {};

    it(`${def.name}: same seed, same queries; another seed, other queries`, async () => {
      const a = await runSearch({ bench, strategy: def, params, budget: { queries: 40 }, seed: 7 });
      const b = await runSearch({ bench, strategy: def, params, budget: { queries: 40 }, seed: 7 });
      const c = await runSearch({ bench, strategy: def, params, budget: { queries: 40 }, seed: 8 });
      expect(a.history.map((q) => q.key)).toEqual(b.history.map((q) => q.key));
      expect(c.history.map((q) => q.key)).not.toEqual(a.history.map((q) => q.key));
    });

    it(`${def.name}: spends exactly the query budget and never repeats an architecture`, async () => {
      const run = await runSearch({ bench, strategy: def, params, budget: { queries: 60 }, seed: 3 });
      expect(run.history).toHaveLength(60);
      expect(new Set(run.history.map((q) => q.key)).size).toBe(60);
      expect(run.history.map((q) => q.n)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    });

    it(`${def.name}: stops once the simulated time budget is spent`, async () => {
      const run = await runSearch({ bench, strategy: def, params, budget: { seconds: 200 }, seed: 5 });
      const elapsed = run.history.map((q) => q.elapsed!);
      // Every query but the last started before 200 s; the last one may finish after it.
      expect(elapsed.slice(0, -1).every((t) => t < 200)).toBe(true);
      expect(elapsed.at(-1)!).toBeGreaterThanOrEqual(200);
      expect(elapsed.at(-1)).toBeCloseTo(
        run.history.reduce((s, q) => s + q.cost!, 0),
        9,
      );
    });
  }

  it('guided strategies beat random search on a smooth landscape', async () => {
    const mean = async (name: string): Promise<number> => {
      const runs = await runSeeds({
        bench,
        strategy: getStrategy(name),
        params: fast[name] ?? {},
        budget: { queries: 30 },
        seeds: 12,
      });
      return summarizeRuns(runs, [30])[0]!.meanVal;
    };
    const rs = await mean('rs');
    for (const name of ['re', 'ls', 'bananas']) expect(await mean(name)).toBeGreaterThan(rs);
  });
});

describe('honest reporting', () => {
  it('reports the test metric of the best-validation architecture, not the best test seen', async () => {
    const run = await runSearch({ bench, strategy: getStrategy('rs'), budget: { queries: 256 }, seed: 1 });
    const bestTestSeen = Math.max(...run.history.map((q) => q.test));
    const final = incumbentAt(run.history, 256)!;
    expect(final.key).toBe('d-d-d-d');
    expect(final.test).toBe(sumLandscape(space.parse('d-d-d-d')));
    expect(bestTestSeen).toBeGreaterThan(final.test);
    const ref = oracle(bench);
    expect(ref.bestValTest).toBe(final.test);
    expect(ref.bestTest).toBe(bestTestSeen);
  });

  it('incumbentAt only looks at the first B queries and keeps the earlier of equal validations', () => {
    const q = (n: number, val: number, test: number): QueryRecord => ({
      n,
      key: `k${n}`,
      arch: `k${n}`,
      val,
      test,
      cost: 1,
      elapsed: n,
    });
    const history = [q(1, 80, 90), q(2, 85, 70), q(3, 85, 99), q(4, 90, 60)];
    expect(incumbentAt(history, 1)!.test).toBe(90);
    expect(incumbentAt(history, 3)!.test).toBe(70);
    expect(incumbentAt(history, 4)!.test).toBe(60);
    expect(incumbentAt([], 10)).toBeNull();
    expect(incumbentAtTime(history, 3.5)!.n).toBe(2);
  });
});

describe('evaluator', () => {
  it('hands strategies the validation metric only and records test and cost', async () => {
    const ev = new BenchmarkEvaluator(bench, { queries: 2 });
    const arch = space.parse('c-a-a-a');
    const obs = await ev.evaluate(arch);
    expect(obs).toEqual({ key: 'c-a-a-a', val: sumLandscape(arch), cost: 12 });
    expect(ev.history[0]).toMatchObject({ test: sumLandscape(arch) + 100, cost: 12, elapsed: 12 });
    expect(ev.known('c-a-a-a')).toEqual(obs);
    await ev.evaluate(space.parse('a-a-a-a'));
    expect(ev.canQuery()).toBe(false);
    await expect(ev.evaluate(arch)).rejects.toThrow(/budget exhausted after 2 queries/);
  });

  it('rejects bad budgets, and time budgets on tables without a cost model', () => {
    expect(() => new BenchmarkEvaluator(bench, {})).toThrow(/needs queries and\/or seconds/);
    expect(() => new BenchmarkEvaluator(bench, { queries: 0 })).toThrow(/positive integer/);
    const noCost = toyBenchmark(space, { val: sumLandscape, test: sumLandscape });
    expect(() => new BenchmarkEvaluator(noCost, { seconds: 10 })).toThrow(/no training-time data/);
  });

  it('an architecture outside the table is a not_found error', async () => {
    const big = toySpace(5, ['a', 'b', 'c', 'd']);
    const ev = new BenchmarkEvaluator(bench as never, { queries: 5 });
    const err = await ev.evaluate(big.parse('a-a-a-a-a') as ToyArch).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NaskitError);
    expect((err as NaskitError).code).toBe('not_found');
  });
});

describe('strategy parameters', () => {
  it('fills defaults, converts CLI strings and rejects unknown or invalid values', () => {
    const re = getStrategy('re');
    expect(resolveParams(re, { population: '20' })).toEqual({ population: 20, tournament: 3 });
    expect(() => resolveParams(re, { populaton: 5 })).toThrow(
      /no parameter 'populaton'.*population, tournament/,
    );
    expect(() => resolveParams(re, { population: '1.5' })).toThrow(/integer/);
    expect(() => resolveParams(getStrategy('ls'), { improvement: 'worst' })).toThrow(/first, best/);
    expect(() => getStrategy('sgd')).toThrow(/valid strategies: rs/);
    expect(getStrategy('evolution').name).toBe('re');
  });

  it('forked generators keep strategies reproducible', () => {
    expect(new Rng(1).fork('x').next()).toBe(new Rng(1).fork('x').next());
  });
});
