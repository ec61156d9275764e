/**
 * Running a strategy on a tabular benchmark for one or many seeds, and summarizing runs honestly at
 * fixed query budgets (see results.ts).
 */
import { restrictToTable } from '../benchmarks/table-space.js';
import type { TabularBenchmark } from '../benchmarks/table.js';
import { meanStd } from '../stats/summary.js';
import { Rng } from '../util/rng.js';
import { BenchmarkEvaluator, type Budget, type EvaluatorOptions, type QueryRecord } from './evaluator.js';
import { incumbentAt } from './results.js';
import { resolveParams, type ParamValue, type StrategyDefinition } from './strategy.js';
import { rankedWarmPool, type WarmStartInfo, type WarmStartOptions } from './warm-start.js';

/** Query budgets at which runs are reported (those up to the run's budget). */
export const REPORT_BUDGETS: readonly number[] = [10, 25, 50, 100, 150, 300];

export interface SearchRunOptions<A> extends EvaluatorOptions {
  bench: TabularBenchmark<A>;
  strategy: StrategyDefinition;
  params?: Record<string, ParamValue>;
  budget: Budget;
  seed: number;
  /** Rank a proxy-scored pool before the search and start from its top (see warm-start.ts). */
  warmStart?: WarmStartOptions<A>;
}

export interface SearchRun {
  seed: number;
  history: QueryRecord[];
  /** The incumbent at the end of the run (best validation over all queries). */
  final: QueryRecord | null;
  warmStart?: WarmStartInfo;
}

export async function runSearch<A>(options: SearchRunOptions<A>): Promise<SearchRun> {
  const { bench, strategy, budget, seed } = options;
  const params = resolveParams(strategy, options.params);
  const evaluator = new BenchmarkEvaluator(bench, budget, options);
  const space = restrictToTable(bench);
  const rng = new Rng(seed);
  // The pool has its own stream, so a warm run's later random draws are not shifted by the pool size.
  const warm = options.warmStart
    ? await rankedWarmPool(space, options.warmStart, rng.fork('warm-start'))
    : undefined;
  await strategy.create(params).run({ space, evaluator, rng, ...(warm ? { warmStart: warm.archs } : {}) });
  return {
    seed,
    history: evaluator.history,
    final: incumbentAt(evaluator.history, Infinity),
    ...(warm ? { warmStart: warm.info } : {}),
  };
}

/** Seeds base, base+1, ..., base+count-1, run one after another. */
export async function runSeeds<A>(
  options: Omit<SearchRunOptions<A>, 'seed'> & { seeds: number; baseSeed?: number },
): Promise<SearchRun[]> {
  const runs: SearchRun[] = [];
  const base = options.baseSeed ?? 0;
  for (let s = 0; s < options.seeds; s++) runs.push(await runSearch({ ...options, seed: base + s }));
  return runs;
}

export interface BudgetSummary {
  budget: number;
  meanTest: number;
  stdTest: number;
  meanVal: number;
  /** Runs that had made at least `budget` queries. */
  runs: number;
}

/** Mean and sample std over runs of the honest result (test of the best-validation arch) at each budget. */
export function summarizeRuns(runs: readonly SearchRun[], budgets: readonly number[]): BudgetSummary[] {
  return budgets.map((budget) => {
    const reached = runs.filter((r) => r.history.length >= budget);
    const inc = reached.map((r) => incumbentAt(r.history, budget)!);
    const test = meanStd(inc.map((q) => q.test));
    return {
      budget,
      meanTest: test.mean,
      stdTest: test.std,
      meanVal: meanStd(inc.map((q) => q.val)).mean,
      runs: reached.length,
    };
  });
}
