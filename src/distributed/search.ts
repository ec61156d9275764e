/**
 * `naskit search --redis`: the seeds of a tabular search as `search-seed` jobs. The coordinator opens
 * the table itself for the summary and the oracle; each worker opens its own copy and runs
 * `searchSeed`, the function the in-process path runs per seed, so the answer is the same.
 */
import type { SeedPlan, SeedRunner } from '../experiments/search-job.js';
import type { SearchRun } from '../search/run.js';
import { NaskitError } from '../util/errors.js';
import { failedJobsError, runJobs, targetOptions, type QueueTarget } from './coordinator.js';
import { JOB_HEADER, type DataRef, type SearchSeedJob } from './jobs.js';

export interface QueueSeedOptions extends QueueTarget {
  /** The table as the workers find it in their data folders (the plan's own path is the coordinator's). */
  table?: DataRef;
}

/** The jobs of a plan, one per seed. */
export function searchSeedJobs(plan: SeedPlan, table?: DataRef): SearchSeedJob[] {
  const { target, settings } = plan;
  if (target.table !== undefined && table === undefined) {
    throw new NaskitError(
      'invalid_argument',
      'a search on your own table sends it to the workers as a file of their data folders: give --table relative to --data-dir',
    );
  }
  if (settings.warmStart?.cachePath !== undefined) {
    throw new NaskitError(
      'invalid_argument',
      '--proxy-cache is a file of this machine and cannot be shared with workers; leave it out with --redis',
    );
  }
  return plan.seeds.map((seed) => ({
    ...JOB_HEADER,
    kind: 'search-seed',
    space: target.space,
    dataset: target.dataset,
    ...(target.source !== undefined ? { source: target.source } : {}),
    ...(table !== undefined ? { table } : {}),
    strategy: target.strategy,
    params: target.params,
    budget: settings.budget,
    seed,
    ...(settings.warmStart
      ? { warmStart: { proxy: settings.warmStart.proxy, pool: settings.warmStart.pool } }
      : {}),
  }));
}

/** A seed runner that sends the seeds to `naskit worker`s through Redis and waits for all of them. */
export function queueSeedRunner(options: QueueSeedOptions): SeedRunner {
  return async (plan: SeedPlan) => {
    const jobs = searchSeedJobs(plan, options.table);
    const runs = new Map<number, SearchRun>();
    const { failed } = await runJobs({
      ...targetOptions(options),
      jobs,
      record({ index, result }) {
        runs.set(index, result as SearchRun);
      },
    });
    if (failed.length > 0) throw failedJobsError(failed, jobs.length, (f) => `seed ${plan.seeds[f.index]}`);
    return plan.seeds.map((_, i) => runs.get(i)!);
  };
}
