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
import {
  REPORT_BUDGETS,
  runSeeds,
  summarizeRuns,
  type BudgetSummary,
  type SearchRun,
} from '../search/run.js';
import type { StrategyParams } from '../search/strategy.js';
import { resolveParams } from '../search/strategy.js';
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

/** Runs the search; `warn` receives what the caller should tell the user (it is also among the notes). */
export async function searchJob(job: SearchJob, warn: (m: string) => void): Promise<SearchJobResult> {
  const strategy = getStrategy(job.strategy);
  const params = resolveParams(strategy, job.params);
  const bench: TabularBenchmark = job.table
    ? await openTable(job.table, job.space)
    : await openBenchmark({
        space: job.space,
        dataset: job.dataset,
        ...(job.dataDir !== undefined ? { dataDir: job.dataDir } : {}),
        ...(job.source !== undefined ? { source: job.source } : {}),
      });
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
  const warm = warmStartOf(job, bench, strategy.name);
  let runs: SearchRun[];
  try {
    runs = await runSeeds({
      bench,
      strategy,
      params,
      budget,
      seeds: job.seeds,
      baseSeed: job.baseSeed,
      ...(warm && job.warmStart ? { warmStart: { ranking: warm, pool: job.warmStart.pool } } : {}),
    });
  } finally {
    warm?.close();
  }
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
}

function metricOf(bench: TabularBenchmark, name: string): MetricInfo {
  const { description, unit } = bench.metricInfo(name);
  return { name, description, unit };
}

/** The proxy ranking behind a warm start, or undefined for a plain search. */
function warmStartOf(
  job: SearchJob,
  bench: TabularBenchmark,
  strategy: string,
): (ProxyRanking<unknown> & { close(): void }) | undefined {
  if (job.warmStart === undefined) return undefined;
  if (!WARM_STRATEGIES.includes(strategy)) {
    throw new NaskitError(
      'invalid_argument',
      `--warm-start works with strategies ${WARM_STRATEGIES.join(', ')}, not '${strategy}'`,
    );
  }
  // Only proxies that look at images need the data folder (params and flops do not).
  const needsData = getProxy(job.warmStart.proxy).data !== 'none';
  return proxyRanking({
    space: bench.space.name,
    proxy: job.warmStart.proxy,
    ...(needsData ? { dataDir: resolveDataDir(job.dataDir) } : {}),
    ...(job.warmStart.cachePath !== undefined ? { cachePath: job.warmStart.cachePath } : {}),
  });
}
