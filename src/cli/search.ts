/**
 * `naskit search`: run a black-box strategy on a tabular benchmark for several seeds and report, at fixed
 * query budgets, the test metric of the best-validation architecture (mean ± sample std over seeds),
 * next to the table's oracle.
 */
import type { Command } from 'commander';
import type { BenchmarkSource } from '../benchmarks/catalog.js';
import { DEFAULT_WARM_POOL, searchJob, type SearchJob, type SeedRunner } from '../experiments/search-job.js';
import { resolveDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import {
  addSupernetOptions,
  isSupernetStrategy,
  supernetSearchCommand,
  type SupernetSearchFlags,
} from './supernet-search.js';

interface SearchFlags {
  space: string;
  dataset: string;
  strategy: string;
  budget?: string;
  timeBudget?: string;
  seeds: string;
  seed: string;
  dataDir?: string;
  table?: string;
  source?: string;
  param: string[];
  warmStart?: string;
  warmPool?: string;
  proxyCache?: string;
  redis?: string;
  json?: boolean;
}

export function register(program: Command): void {
  const command = program
    .command('search')
    .description(
      'run a search strategy over several seeds: black-box strategies on a tabular benchmark (honest: test of ' +
        'best-val arch), or supernet searches (DARTS, less-local DARTS, GeNAS) on images',
    )
    .requiredOption('--space <name>', 'search space: nb201, nb101, tnb101-micro, ...')
    .option('--dataset <name>', 'dataset or task of the benchmark', 'cifar10')
    .option(
      '--strategy <name>',
      'rs | re | ls | bananas on a table; darts | darts-global | genas train a supernet on images',
      're',
    )
    .option('--budget <queries>', 'queries per run (default 100 unless --time-budget is given)')
    .option('--time-budget <seconds>', 'simulated training seconds per run (tables with a cost model only)')
    .option('--seeds <count>', 'number of runs', '10')
    .option('--seed <base>', 'first seed; runs use base, base+1, ...', '0')
    .option(
      '--data-dir <dir>',
      'data folder (default $NASKIT_DATA, else the tables shipped in data/; CIFAR-10 images need one)',
    )
    .option(
      '--table <file>',
      'your own table in the generic CSV format (arch, val_acc[, test_acc, train_time_s, ...])',
    )
    .option('--source <kind>', "'table' (full benchmark) or 'suite-zero' (NAS-Bench-Suite-Zero samples)")
    .option('--param <key=value>', 'strategy parameter, repeatable (e.g. --param population=20)', collect, [])
    .option(
      '--warm-start <proxy>',
      'score a random pool with this zero-cost proxy first and start from its best (rs, re, ls); costs no queries',
    )
    .option(
      '--warm-pool <n>',
      'architectures drawn (with replacement) and scored for --warm-start',
      String(DEFAULT_WARM_POOL),
    )
    .option(
      '--proxy-cache <file>',
      'resumable JSONL cache of the --warm-start scores (shared by seeds and runs)',
    )
    .option(
      '--redis <url>',
      'run the seeds as jobs on naskit workers sharing this Redis (--table and genas --supernet are then paths inside --data-dir)',
    )
    .option('--json', 'print one JSON object instead of tables');
  addSupernetOptions(command).action(async (flags: SearchFlags & SupernetSearchFlags) => {
    process.stdout.write(
      isSupernetStrategy(flags.strategy) ? await supernetSearchCommand(flags) : await searchCommand(flags),
    );
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The job the flags describe; flag syntax and combinations are checked here, names by the job. */
function searchJobOf(flags: SearchFlags): SearchJob {
  const params: Record<string, string> = {};
  for (const p of flags.param) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new NaskitError('invalid_argument', `--param expects key=value, got '${p}'`);
    params[p.slice(0, eq)] = p.slice(eq + 1);
  }
  const seeds = positiveInt(flags.seeds, '--seeds');
  const baseSeed = integer(flags.seed, '--seed');
  const seconds =
    flags.timeBudget === undefined ? undefined : positiveNumber(flags.timeBudget, '--time-budget');
  const queries =
    flags.budget !== undefined
      ? positiveInt(flags.budget, '--budget')
      : seconds === undefined
        ? 100
        : undefined;
  if (flags.source !== undefined && flags.source !== 'table' && flags.source !== 'suite-zero') {
    throw new NaskitError(
      'invalid_argument',
      `--source must be 'table' or 'suite-zero', got '${flags.source}'`,
    );
  }
  if (flags.warmStart === undefined && flags.proxyCache !== undefined) {
    throw new NaskitError('invalid_argument', '--proxy-cache needs --warm-start <proxy>');
  }
  return {
    space: flags.space,
    dataset: flags.dataset,
    strategy: flags.strategy,
    params,
    ...(queries !== undefined ? { queries } : {}),
    ...(seconds !== undefined ? { seconds } : {}),
    seeds,
    baseSeed,
    ...(flags.table ? { table: flags.table } : {}),
    ...(flags.dataDir !== undefined ? { dataDir: flags.dataDir } : {}),
    ...(flags.source !== undefined ? { source: flags.source as BenchmarkSource } : {}),
    ...(flags.warmStart !== undefined
      ? {
          warmStart: {
            proxy: flags.warmStart,
            pool: positiveInt(flags.warmPool ?? String(DEFAULT_WARM_POOL), '--warm-pool'),
            ...(flags.proxyCache !== undefined ? { cachePath: flags.proxyCache } : {}),
          },
        }
      : {}),
  };
}

/**
 * With --redis, the seeds go to workers; a --table then names a file inside the data folder, the same
 * relative path on this machine (for the summary) and on each worker.
 */
async function seedRunner(flags: SearchFlags, job: SearchJob): Promise<SeedRunner | undefined> {
  if (flags.redis === undefined) return undefined;
  const { queueSeedRunner } = await import('../distributed/search.js');
  const { dataRefOf } = await import('../distributed/data-ref.js');
  const log = (m: string) => process.stderr.write(`naskit: ${m}\n`);
  if (job.table === undefined) return queueSeedRunner({ redis: flags.redis, log });
  const { ref, path } = dataRefOf(resolveDataDir(flags.dataDir), job.table, '--table');
  job.table = path;
  return queueSeedRunner({ redis: flags.redis, table: ref, log });
}

export async function searchCommand(flags: SearchFlags): Promise<string> {
  const job = searchJobOf(flags);
  const runner = await seedRunner(flags, job);
  const r = await searchJob(job, (m) => process.stderr.write(`naskit: warning: ${m}\n`), runner);
  const { table, runs, summary, oracle: ref, params, budget } = r;
  const warm = runs[0]?.warmStart;

  if (flags.json) {
    return `${JSON.stringify({
      space: table.space,
      dataset: table.dataset,
      strategy: r.strategy,
      params,
      warm_start: warm ? { proxy: warm.proxy, pool: warm.pool } : null,
      seeds: job.seeds,
      base_seed: job.baseSeed,
      budget,
      val_metric: table.valMetric.name,
      test_metric: table.testMetric.name,
      oracle_test: ref.bestValTest,
      oracle_val: ref.bestVal,
      best_test: ref.bestTest,
      results: summary.map((s) => ({
        budget: s.budget,
        mean_test: s.meanTest,
        std_test: s.stdTest,
        runs: s.runs,
      })),
      runs: runs.map((r) => ({
        seed: r.seed,
        arch: r.final?.arch ?? null,
        val: r.final?.val ?? null,
        test: r.final?.test ?? null,
        queries: r.history.length,
        ...(r.warmStart ? { warm_distinct: r.warmStart.distinct, warm_failures: r.warmStart.failures } : {}),
      })),
      notes: r.notes,
    })}\n`;
  }

  const unit = table.testMetric.unit;
  const f = (x: number): string => (Number.isFinite(x) ? x.toFixed(unit === '%' ? 2 : 4) : 'n/a');
  const paramText = Object.entries(params)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
  const lines: string[] = [
    `${table.id} · strategy ${r.strategy}${paramText ? ` (${paramText})` : ''}` +
      `${warm ? ` · warm start: ${warm.proxy} on ${warm.pool} random draws` : ''}` +
      ` · ${job.seeds} seeds · budget ` +
      [
        budget.queries !== undefined ? `${budget.queries} queries` : '',
        budget.seconds !== undefined ? `${budget.seconds} simulated s` : '',
      ]
        .filter(Boolean)
        .join(' / '),
    `fitness ${table.valMetric.name}: ${table.valMetric.description}`,
    `result  ${table.testMetric.name}: ${table.testMetric.description}`,
    `cost    ${table.cost}`,
    ...r.notes.map((n) => `note    ${n}`),
    'result at budget B = test metric of the architecture with the best validation metric among the first B queries',
    '',
    'seed    queries  val      test     arch',
    ...runs.map(
      (r) =>
        `${String(r.seed).padEnd(8)}${String(r.history.length).padEnd(9)}${f(r.final?.val ?? NaN).padEnd(9)}` +
        `${f(r.final?.test ?? NaN).padEnd(9)}${r.final?.arch ?? '-'}`,
    ),
    '',
    'budget  mean test ± std     mean val  runs',
    ...summary.map(
      (s) =>
        `${String(s.budget).padEnd(8)}${`${f(s.meanTest)} ± ${f(s.stdTest)}`.padEnd(20)}${f(s.meanVal).padEnd(10)}${s.runs}`,
    ),
    '',
    `oracle over the ${table.searchable} architectures a search can propose:`,
    `        test of the best-validation architecture ${f(ref.bestValTest)} (val ${f(ref.bestVal)}, ${ref.bestValArch})`,
    `        best test in the table ${f(ref.bestTest)} (${ref.bestTestArch})`,
  ];
  return `${lines.join('\n')}\n`;
}

function integer(text: string, flag: string): number {
  const x = Number(text);
  if (!Number.isInteger(x))
    throw new NaskitError('invalid_argument', `${flag} must be an integer, got '${text}'`);
  return x;
}

function positiveInt(text: string, flag: string): number {
  const x = integer(text, flag);
  if (x < 1) throw new NaskitError('invalid_argument', `${flag} must be at least 1, got ${x}`);
  return x;
}

function positiveNumber(text: string, flag: string): number {
  const x = Number(text);
  if (!(x > 0)) throw new NaskitError('invalid_argument', `${flag} must be a positive number, got '${text}'`);
  return x;
}
