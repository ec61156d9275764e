/**
 * `naskit search` on a tabular benchmark: run a black-box strategy for several seeds and summarize, at
 * fixed query budgets, the test metric of the best-validation architecture (mean ± sample std over
 * seeds), next to the table's oracle.
 */
import { openBenchmark, openTable, type BenchmarkSource } from '../benchmarks/catalog.js';
import type { MetricInfo, TabularBenchmark } from '../benchmarks/table.js';
import { getProxy } from '../proxies/index.js';
import { getStrategy } from '../search/index.js';
import { proxyRanking } from '../search/proxy-ranking.js';
import { oracle, type Oracle } from '../search/results.js';
import type { Budget } from '../search/evaluator.js';
import {
  REPORT_BUDGETS,
  runSearch,
  summarizeRuns,
  type BudgetSummary,
  type SearchRun,
} from '../search/run.js';
import { resolveParams, type StrategyDefinition, type StrategyParams } from '../search/strategy.js';
import type { ProxyRanking } from '../search/warm-start.js';
import { resolveDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';

export { DEFAULT_WARM_POOL } from '../search/warm-start.js';

export interface SearchJob {
  space: string;
  dataset: string;
  /** Strategy name or alias. */
  strategy: string;
  /** Strategy parameters as given; the rest take their defaults. */
  params: Record<string, string>;
  /** Queries per run (a search stops at the first budget reached). */
  queries?: number;
  /** Simulated training seconds per run. */
  seconds?: number;
  seeds: number;
  baseSeed: number;
  /** Your own table in the generic CSV format instead of a built-in benchmark. */
  table?: string;
  dataDir?: string;
  source?: BenchmarkSource;
  /** Score a random pool with a zero-cost proxy first and start from its best (rs, re, ls). */
  warmStart?: { proxy: string; pool: number; cachePath?: string };
}

/** What a report needs to know about the searched table. */
export interface SearchedTable {
  id: string;
  space: string;
  dataset: string;
  /** The fitness a search sees (name as the table calls it). */
  valMetric: MetricInfo;
  /** The metric results are reported in. */
  testMetric: MetricInfo;
  cost: string;
  /** Architectures a search can propose (rows with a cell). */
  searchable: number;
}

export interface SearchJobResult {
  table: SearchedTable;
  /** The strategy's canonical name. */
  strategy: string;
  params: StrategyParams;
  /** The budget the runs had (queries capped at the table's size). */
  budget: { queries?: number; seconds?: number };
  runs: SearchRun[];
  /** Per report budget: those up to the query budget (or the longest run), and the budget itself. */
  summary: BudgetSummary[];
  oracle: Oracle;
  /** The table's notes, then any warning about the job. */
  notes: string[];
}

const WARM_STRATEGIES = ['rs', 're', 'ls'];

/** Where a search runs: the table and the strategy with its parameters, as plain data. */
export interface SearchTarget {
  space: string;
  dataset: string;
  strategy: string;
  params: Record<string, string>;
  table?: string;
  dataDir?: string;
  source?: BenchmarkSource;
}

/** What every seed of a search shares besides its target. */
export interface SeedSettings {
  budget: Budget;
  warmStart?: { proxy: string; pool: number; cachePath?: string };
}

/** The seeds of a search: run in this process by default, as queue jobs with `naskit search --redis`. */
export interface SeedPlan {
  target: SearchTarget;
  settings: SeedSettings;
  seeds: readonly number[];
}

/** Runs a plan's seeds and returns their runs in the plan's seed order. */
export type SeedRunner = (plan: SeedPlan) => Promise<SearchRun[]>;

/** An opened target: shared by the seeds that run on it, closed by whoever opened it. */
export interface SearchSetup {
  bench: TabularBenchmark;
  strategy: StrategyDefinition;
  params: StrategyParams;
  /** The warm-start ranking of a proxy, made on first use and kept for the setup's later seeds. */
  warmRanking(proxy: string, cachePath?: string): ProxyRanking<unknown>;
  close(): void;
}

export async function openSearch(target: SearchTarget): Promise<SearchSetup> {
  const strategy = getStrategy(target.strategy);
  const params = resolveParams(strategy, target.params);
  const bench: TabularBenchmark = target.table
    ? await openTable(target.table, target.space)
    : await openBenchmark({
        space: target.space,
        dataset: target.dataset,
        ...(target.dataDir !== undefined ? { dataDir: target.dataDir } : {}),
        ...(target.source !== undefined ? { source: target.source } : {}),
      });
  const rankings = new Map<string, ProxyRanking<unknown> & { close(): void }>();
  return {
    bench,
    strategy,
    params,
    warmRanking(proxy, cachePath) {
      const key = `${proxy}\n${cachePath ?? ''}`;
      let ranking = rankings.get(key);
      if (ranking === undefined) {
        // Only proxies that look at images need the data folder (params and flops do not).
        const needsData = getProxy(proxy).data !== 'none';
        ranking = proxyRanking({
          space: bench.space.name,
          proxy,
          ...(needsData ? { dataDir: resolveDataDir(target.dataDir) } : {}),
          ...(cachePath !== undefined ? { cachePath } : {}),
        });
        rankings.set(key, ranking);
      }
      return ranking;
    },
    close() {
      for (const r of rankings.values()) r.close();
      rankings.clear();
    },
  };
}

/** One seed of a search: what the in-process path runs per seed and a `search-seed` queue job runs. */
export function searchSeed(setup: SearchSetup, settings: SeedSettings, seed: number): Promise<SearchRun> {
  const warm = settings.warmStart;
  if (warm !== undefined) checkWarmStart(setup.strategy.name, warm.proxy);
  return runSearch({
    bench: setup.bench,
    strategy: setup.strategy,
    params: setup.params,
    budget: settings.budget,
    seed,
    ...(warm
      ? { warmStart: { ranking: setup.warmRanking(warm.proxy, warm.cachePath), pool: warm.pool } }
      : {}),
  });
}

/** Runs the search; `warn` receives what the caller should tell the user (it is also among the notes). */
export async function searchJob(
  job: SearchJob,
  warn: (m: string) => void,
  runSeeds?: SeedRunner,
): Promise<SearchJobResult> {
  const target: SearchTarget = {
    space: job.space,
    dataset: job.dataset,
    strategy: job.strategy,
    params: job.params,
    ...(job.table !== undefined ? { table: job.table } : {}),
    ...(job.dataDir !== undefined ? { dataDir: job.dataDir } : {}),
    ...(job.source !== undefined ? { source: job.source } : {}),
  };
  const setup = await openSearch(target);
  try {
    const { bench, strategy, params } = setup;
    // A search cannot propose more distinct architectures than the table holds; a larger query budget
    // would only repeat queries and report them as if they were new.
    const rows = bench.searchableRows().length;
    const notes = [...bench.notes];
    let queries = job.queries;
    if (queries !== undefined && queries > rows) {
      const warning = `--budget ${queries} is more than the ${rows} architectures a search can propose in ${bench.id}; capped at ${rows} queries`;
      warn(warning);
      notes.push(warning);
      queries = rows;
    }
    const budget = {
      ...(queries !== undefined ? { queries } : {}),
      ...(job.seconds !== undefined ? { seconds: job.seconds } : {}),
    };
    if (job.warmStart !== undefined) checkWarmStart(strategy.name, job.warmStart.proxy);
    const settings: SeedSettings = {
      budget,
      ...(job.warmStart !== undefined ? { warmStart: job.warmStart } : {}),
    };
    const seeds = Array.from({ length: job.seeds }, (_, s) => job.baseSeed + s);
    const runs = runSeeds
      ? await runSeeds({ target, settings, seeds })
      : await seedsInProcess(setup, settings, seeds);
    const longest = Math.max(...runs.map((r) => r.history.length));
    const cap = queries ?? longest;
    const budgets = REPORT_BUDGETS.filter((b) => b <= cap);
    if (!budgets.includes(cap) && cap <= longest) budgets.push(cap);
    return {
      table: {
        id: bench.id,
        space: bench.space.name,
        dataset: bench.dataset,
        valMetric: metricOf(bench, bench.valMetric),
        testMetric: metricOf(bench, bench.testMetric),
        cost: bench.cost.description,
        searchable: rows,
      },
      strategy: strategy.name,
      params,
      budget,
      runs,
      summary: summarizeRuns(runs, budgets),
      oracle: oracle(bench),
      notes,
    };
  } finally {
    setup.close();
  }
}

/** Seeds one after another in this process. */
async function seedsInProcess(
  setup: SearchSetup,
  settings: SeedSettings,
  seeds: readonly number[],
): Promise<SearchRun[]> {
  const runs: SearchRun[] = [];
  for (const seed of seeds) runs.push(await searchSeed(setup, settings, seed));
  return runs;
}

function metricOf(bench: TabularBenchmark, name: string): MetricInfo {
  const { description, unit } = bench.metricInfo(name);
  return { name, description, unit };
}

/** A warm start needs a strategy that takes one and a registered proxy (getProxy names the others). */
function checkWarmStart(strategy: string, proxy: string): void {
  if (!WARM_STRATEGIES.includes(strategy)) {
    throw new NaskitError(
      'invalid_argument',
      `--warm-start works with strategies ${WARM_STRATEGIES.join(', ')}, not '${strategy}'`,
    );
  }
  getProxy(proxy);
}
