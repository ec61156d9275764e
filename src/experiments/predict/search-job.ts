/**
 * `naskit predict search`: search a held-out built-in setting's benchmark with a predictor
 * meta-learned (Reptile) on every other setting, over several seeds, next to the benchmark's oracle.
 */
import { openBenchmark } from '../../benchmarks/catalog.js';
import { releasePrograms } from '../../predictors/engine.js';
import { guidedStrategy, learnGuidedPredictor } from '../../predictors/guided-search.js';
import { DEFAULT_META_EVAL, resolveHoldout } from '../../predictors/meta-eval.js';
import { type Oracle, oracle } from '../../search/results.js';
import { type BudgetSummary, REPORT_BUDGETS, runSeeds, summarizeRuns } from '../../search/run.js';
import { type StrategyParams, resolveParams } from '../../search/strategy.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { type SettingsSelection, loadSettings } from './settings.js';

export interface GuidedSearchJob extends SettingsSelection {
  /** The built-in setting to search (never seen in meta-training). */
  holdout: string;
  /** Queries per run. */
  budget: number;
  /** Runs. */
  seeds: number;
  /** First seed; also seeds meta-training. */
  seed: number;
  /** Strategy parameters as given (init, batch, members); the rest take their defaults. */
  params: Record<string, string>;
}

export interface GuidedSearchResult {
  holdout: string;
  trainSettings: string[];
  params: StrategyParams;
  seeds: number;
  oracle: Oracle;
  /** Per report budget (those below the query budget, and the budget itself). */
  summary: BudgetSummary[];
  /** Test metric of each run's final incumbent. */
  finalTest: (number | null)[];
  searchSeconds: number;
}

export async function guidedSearchJob(
  job: GuidedSearchJob,
  log: (m: string) => void,
): Promise<GuidedSearchResult> {
  const settings = await loadSettings(job, log);
  const held = resolveHoldout(settings, job.holdout);
  if (held.length !== 1 || held[0]!.spec.from.kind !== 'catalog') {
    throw new NaskitError(
      'invalid_argument',
      `--holdout ${job.holdout}: search needs one built-in setting (e.g. nb201/cifar100), not a space or an extra table`,
    );
  }
  const target = held[0]!;
  const source = target.spec.from.kind === 'catalog' ? target.spec.from.source : 'table';
  const train = settings.filter((s) => s.name !== target.name);
  try {
    const predictor = await learnGuidedPredictor(
      train,
      DEFAULT_META_EVAL,
      new Rng(job.seed).fork('meta'),
      log,
    );
    const strategy = guidedStrategy(predictor);
    const params = resolveParams(strategy, job.params);
    const bench = await openBenchmark({
      space: target.space,
      dataset: target.spec.dataset,
      source,
      ...(job.dataDir ? { dataDir: job.dataDir } : {}),
    });
    const t0 = performance.now();
    const runs = await runSeeds({
      bench,
      strategy,
      params,
      budget: { queries: job.budget },
      seeds: job.seeds,
      baseSeed: job.seed,
    });
    const searchSeconds = (performance.now() - t0) / 1000;
    const budgets = [...new Set([...REPORT_BUDGETS.filter((b) => b < job.budget), job.budget])];
    return {
      holdout: target.name,
      trainSettings: train.map((s) => s.name),
      params,
      seeds: job.seeds,
      oracle: oracle(bench),
      summary: summarizeRuns(runs, budgets),
      finalTest: runs.map((r) => r.final?.test ?? null),
      searchSeconds,
    };
  } finally {
    await releasePrograms();
  }
}
