/**
 * `naskit search --strategy darts|darts-global|genas --redis`: the seeds of a supernet search as jobs.
 * - A `darts-seed` job is one seed's whole differentiable search (every start, halving, hops): the
 *   settings the in-process path resolves, plus the digest of the search's images, which each worker
 *   loads from its own data folder.
 * - A `genas-seed` job is one seed's evolutionary search over a trained single-path supernet that every
 *   worker holds in its data folder (checkpoint and initial weights, each with the coordinator's digest);
 *   the worker returns the seed's pick and the scores of the cells it visited, which the coordinator
 *   adds to its score cache and report.
 * Workers run `dartsSeed` / `genasSeed`, the functions the in-process loop runs, so the answer is the same.
 */
import { dirname, posix } from 'node:path';
import type { DartsRun, DartsSeedRunner, DartsSettings } from '../experiments/supernet/darts-job.js';
import type { GenasSeedResult, GenasSeedRunner, GenasSettings } from '../experiments/supernet/genas-job.js';
import { remoteDatasetProblem } from '../experiments/run/data.js';
import { CHECKPOINT_FILE, INIT_FILE } from '../train/supernet/trainer.js';
import { NaskitError } from '../util/errors.js';
import { failedJobsError, runJobs, targetOptions, type QueueTarget } from './coordinator.js';
import { dataRefOf } from './data-ref.js';
import {
  JOB_HEADER,
  type DartsSeedJob,
  type DataRef,
  type GenasSeedJob,
  type GenasSeedResult as GenasSeedWire,
} from './jobs.js';

export function dartsSeedJobs(
  settings: DartsSettings,
  fingerprint: string,
  seeds: readonly number[],
): DartsSeedJob[] {
  const problem = remoteDatasetProblem(settings.scale.dataset);
  if (problem !== null) throw new NaskitError('invalid_argument', problem);
  const { halving } = settings;
  return seeds.map((seed) => ({
    ...JOB_HEADER,
    kind: 'darts-seed',
    ...settings,
    halving: { ...halving, alphaScales: [...halving.alphaScales], rungs: [...halving.rungs] },
    fingerprint,
    seed,
  }));
}

/** The settings a `darts-seed` job carries, as `openDartsSetup` takes them. */
export function dartsSettingsOf(job: DartsSeedJob): DartsSettings {
  const { format: _f, naskit: _n, kind: _k, fingerprint: _d, seed: _s, ...settings } = job;
  return settings;
}

/** The checkpoint and initial weights of a supernet folder inside the data folder, as a job names them. */
export interface SupernetRefs {
  checkpoint: DataRef;
  init: DataRef;
  /** The folder on this machine. */
  folder: string;
}

/**
 * `--supernet` with --redis: a folder written by 'naskit supernet train' (or its checkpoint file), given
 * relative to the data folder, since each worker opens its own copy there.
 */
export function supernetRefs(dataDir: string, supernet: string): SupernetRefs {
  const folder = supernet.endsWith('.safetensors') ? posix.dirname(supernet) : supernet.replace(/\/+$/, '');
  const what = '--supernet (with --redis, a folder inside --data-dir)';
  const checkpoint = dataRefOf(dataDir, posix.join(folder, CHECKPOINT_FILE), what);
  const init = dataRefOf(dataDir, posix.join(folder, INIT_FILE), what);
  return { checkpoint: checkpoint.ref, init: init.ref, folder: dirname(checkpoint.path) };
}

export function genasSeedJobs(
  settings: GenasSettings,
  refs: SupernetRefs,
  fingerprint: string,
  seeds: readonly number[],
): GenasSeedJob[] {
  return seeds.map((seed) => ({
    ...JOB_HEADER,
    kind: 'genas-seed',
    ...settings,
    sigmas: [...settings.sigmas],
    supernet: refs.checkpoint,
    init: refs.init,
    fingerprint,
    seed,
  }));
}

/** The settings a `genas-seed` job carries. */
export function genasSettingsOf(job: GenasSeedJob): GenasSettings {
  const {
    format: _f,
    naskit: _n,
    kind: _k,
    supernet: _c,
    init: _i,
    fingerprint: _d,
    seed: _s,
    ...settings
  } = job;
  return settings;
}

/**
 * The worker's supernet folder of a `genas-seed` job: both files must sit side by side under their
 * usual names, as the scorer reads the initial weights next to the checkpoint.
 */
export function checkSupernetRefs(job: GenasSeedJob): void {
  const ok =
    posix.basename(job.supernet.path) === CHECKPOINT_FILE &&
    posix.basename(job.init.path) === INIT_FILE &&
    posix.dirname(job.supernet.path) === posix.dirname(job.init.path);
  if (!ok) {
    throw new NaskitError(
      'invalid_argument',
      `a genas-seed job names the supernet's ${CHECKPOINT_FILE} and ${INIT_FILE} in one folder, got ` +
        `'${job.supernet.path}' and '${job.init.path}'`,
    );
  }
}

/** Runs each seed of a differentiable search as a `darts-seed` job and returns the runs in seed order. */
export function queueDartsRunner(target: QueueTarget): DartsSeedRunner {
  return async ({ settings, fingerprint, seeds }, onRun) => {
    const jobs = dartsSeedJobs(settings, fingerprint, seeds);
    const runs = new Map<number, DartsRun>();
    const { failed } = await runJobs({
      ...targetOptions(target),
      jobs,
      record({ index, result }) {
        const run = result as DartsRun;
        runs.set(index, run);
        onRun(run);
      },
    });
    if (failed.length > 0) throw failedJobsError(failed, jobs.length, (f) => `seed ${seeds[f.index]}`);
    return seeds.map((_, i) => runs.get(i)!);
  };
}

/** Runs each GeNAS seed as a `genas-seed` job against the supernet folder `refs` names. */
export function queueGenasRunner(target: QueueTarget, refs: SupernetRefs): GenasSeedRunner {
  return async ({ settings, fingerprint, seeds }, onResult) => {
    const jobs = genasSeedJobs(settings, refs, fingerprint, seeds);
    const results = new Map<number, GenasSeedResult>();
    const { failed } = await runJobs({
      ...targetOptions(target),
      jobs,
      record({ index, result }) {
        const r = result as GenasSeedWire as GenasSeedResult;
        results.set(index, r);
        onResult(r);
      },
    });
    if (failed.length > 0) throw failedJobsError(failed, jobs.length, (f) => `seed ${seeds[f.index]}`);
    return seeds.map((_, i) => results.get(i)!);
  };
}
