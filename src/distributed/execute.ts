/**
 * The worker side of a job: check it, then call the function the in-process path calls: `searchSeed`
 * for a seed of a tabular search, `scoreArchitectures` for a chunk of architectures, `trainCandidate`
 * and `trainFinal` (through runShortTraining, runFinalTraining) for a run's short and final trainings.
 * What is costly to set up (an opened table, a proxy context with its compiled programs, a run's loaded
 * images) is kept for the next jobs of the same kind, in this object, and released by `close()`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRunData, proxyBatchSeed, type RunDataRef, type RunSets } from '../experiments/run/data.js';
import { createProgress, type Progress } from '../experiments/progress.js';
import {
  dartsPrograms,
  dartsSeed,
  openDartsSetup,
  type DartsSetup,
} from '../experiments/supernet/darts-job.js';
import {
  genasScorer,
  genasSeed,
  openGenasSupernet,
  supernetDataFingerprint,
} from '../experiments/supernet/genas-job.js';
import { releaseSupernet, type OpenedSupernet } from '../experiments/supernet/eval-job.js';
import type { CellScorer } from '../experiments/supernet/scoring.js';
import { openTruth, type TruthTables } from '../experiments/supernet/truth.js';
import type { SupernetPrograms } from '../train/supernet/programs.js';
import { NaskitError } from '../util/errors.js';
import { runFinalTraining, runShortTraining } from '../experiments/run/jobs.js';
import { openSearch, searchSeed, type SearchSetup } from '../experiments/search-job.js';
import { createProxyContext, proxyDataDir } from '../proxies/context.js';
import { resolveProxies } from '../proxies/index.js';
import type { ProxyContext, ProxyScorer } from '../proxies/proxy.js';
import { scoreArchitectures } from '../proxies/run.js';
import { getSpace } from '../spaces/index.js';
import { resolveDataDir } from '../util/data-dir.js';
import { openDataRef } from './data-ref.js';
import {
  jobId,
  parseJob,
  resultToWire,
  type DartsSeedJob,
  type GenasSeedJob,
  type ProxyChunkJob,
  type SearchSeedJob,
} from './jobs.js';
import { checkSupernetRefs, dartsSettingsOf, genasSettingsOf } from './supernet.js';

export interface ExecutorOptions {
  /** The worker's --data-dir (else $NASKIT_DATA, else the tables shipped with naskit). */
  dataDir?: string;
  /** ONNX Runtime threads per program. */
  threads: number;
  /**
   * Where long jobs (supernet search seeds) keep their checkpoints, a folder per job id, so that a job
   * retried on this machine after the worker died resumes; without it, a temporary folder per attempt.
   */
  workDir?: string;
  /** Write long jobs' progress lines (epochs, resumes) to stderr, as `naskit worker` does. */
  logProgress?: boolean;
}

/** Set-ups kept per kind; a few, since a worker usually serves one search or one scoring run at a time. */
const KEPT = 2;

interface ProxyEntry {
  context: ProxyContext;
  scorers: Map<string, ProxyScorer>;
  /** Chunks on one context run one after another: scorers are not shared between calls in flight. */
  queue: Promise<unknown>;
}

export class JobExecutor {
  private readonly searches = new Map<string, Promise<SearchSetup>>();
  private readonly proxies = new Map<string, ProxyEntry>();
  private readonly runs = new Map<string, RunSets>();
  private readonly darts = new Map<string, Promise<{ setup: DartsSetup; programs: SupernetPrograms }>>();
  private readonly genas = new Map<
    string,
    Promise<{ opened: OpenedSupernet; scorer: CellScorer; truth: TruthTables | null }>
  >();

  constructor(private readonly options: ExecutorOptions) {}

  /** Runs a job from the queue and returns its result in wire form (see jobs.ts). */
  async run(data: unknown): Promise<unknown> {
    const job = parseJob(data);
    switch (job.kind) {
      case 'search-seed':
        return resultToWire(job.kind, await this.searchSeed(job));
      case 'proxy-chunk':
        return resultToWire(job.kind, await this.proxyChunk(job));
      case 'run-short':
        return resultToWire(job.kind, await runShortTraining(job, this.openRun, this.options.threads));
      case 'run-final':
        return resultToWire(job.kind, await runFinalTraining(job, this.openRun, this.options.threads));
      case 'darts-seed':
        return resultToWire(job.kind, await this.dartsSeed(job));
      case 'genas-seed':
        return resultToWire(job.kind, await this.genasSeed(job));
    }
  }

  /** One seed of a differentiable search, checkpointed in its job folder (see ExecutorOptions.workDir). */
  private async dartsSeed(job: DartsSeedJob) {
    const settings = dartsSettingsOf(job);
    const key = JSON.stringify(settings);
    let entry = this.darts.get(key);
    if (entry === undefined) {
      entry = openDartsSetup(settings, {
        ...(this.options.dataDir !== undefined ? { dataDir: this.options.dataDir } : {}),
        threads: this.options.threads,
      }).then((setup) => ({ setup, programs: dartsPrograms(setup) }));
      entry.catch(() => this.darts.delete(key));
      this.darts.set(key, entry);
      await this.evict(this.darts, async (e) => (await e).programs.release());
    }
    const { setup, programs } = await entry;
    if (setup.fingerprint !== job.fingerprint) {
      throw new NaskitError(
        'data_corrupt',
        `the ${settings.scale.dataset} images on this worker (digest ${setup.fingerprint}) are not the search's ` +
          `(${job.fingerprint}): give the worker --data-dir with the images the coordinator uses`,
      );
    }
    const kept = this.options.workDir !== undefined;
    // With --work-dir, a folder per job id, so that the same job retried here finds its checkpoints.
    const dir = kept ? join(this.options.workDir!, jobId(job)) : mkdtempSync(join(tmpdir(), 'naskit-job-'));
    const run = await dartsSeed(setup, programs, job.seed, dir, this.progress(job)).finally(() => {
      if (!kept) rmSync(dir, { recursive: true, force: true });
    });
    // Done: the result is in Redis now, the checkpoints are no longer needed.
    if (kept) rmSync(dir, { recursive: true, force: true });
    return run;
  }

  /** One seed of GeNAS over the supernet in this worker's data folder; its scores serve later seeds. */
  private async genasSeed(job: GenasSeedJob) {
    checkSupernetRefs(job);
    const settings = genasSettingsOf(job);
    // The scores (per encoding) depend on the supernet and the scoring settings, not on the objective,
    // the evolution or how many encodings a class score averages (nor on which are drawn).
    const { objective: _o, evolution: _e, isomorphs: _m, isomorph_seed: _d, ...scoring } = settings;
    const key = `${job.supernet.sha256}\n${job.init.sha256}\n${JSON.stringify(scoring)}`;
    let entry = this.genas.get(key);
    if (entry === undefined) {
      const root = resolveDataDir(this.options.dataDir);
      const checkpoint = openDataRef(root, job.supernet, 'supernet checkpoint');
      openDataRef(root, job.init, 'supernet initial weights');
      const dataDir = this.options.dataDir !== undefined ? { dataDir: this.options.dataDir } : {};
      entry = openGenasSupernet(checkpoint, settings, { ...dataDir, threads: this.options.threads }).then(
        async (opened) => ({
          opened,
          scorer: genasScorer(opened, settings, null),
          truth: await openTruth(getSpace(settings.space), this.options.dataDir),
        }),
      );
      entry.catch(() => this.genas.delete(key));
      this.genas.set(key, entry);
      await this.evict(this.genas, async (e) => releaseSupernet((await e).opened));
    }
    const { opened, scorer, truth } = await entry;
    const fingerprint = supernetDataFingerprint(opened);
    if (fingerprint !== job.fingerprint) {
      throw new NaskitError(
        'data_corrupt',
        `the ${opened.job.dataset} images on this worker (digest ${fingerprint}) are not the ones the supernet is ` +
          `scored with on the coordinator (${job.fingerprint}): give the worker --data-dir with the same images`,
      );
    }
    return genasSeed(scorer, settings, truth, job.seed, this.progress(job));
  }

  /** Progress of a long job: its log lines on stderr (from this thread, forwarded by Node), no bars. */
  private progress(job: DartsSeedJob | GenasSeedJob): Progress {
    const quiet = createProgress('quiet');
    if (!this.options.logProgress) return quiet;
    const id = jobId(job).slice(0, 24);
    return { ...quiet, log: (m) => void process.stderr.write(`naskit worker: ${id} ${m}\n`) };
  }

  /** A run's images, loaded from this worker's data folder once for the jobs that follow. */
  private readonly openRun = (ref: RunDataRef): RunSets => {
    const key = `${ref.dataset}\n${ref.fingerprint}\n${ref.seed}\n${ref.val_images}`;
    let sets = this.runs.get(key);
    if (sets === undefined) {
      sets = openRunData(ref, this.options.dataDir);
      this.runs.set(key, sets);
      // Images hold no resources to release: the oldest are dropped for the garbage collector.
      while (this.runs.size > KEPT) this.runs.delete(this.runs.keys().next().value!);
    }
    return sets;
  };

  private async searchSeed(job: SearchSeedJob) {
    const table = job.table
      ? openDataRef(resolveDataDir(this.options.dataDir), job.table, 'table')
      : undefined;
    const target = {
      space: job.space,
      dataset: job.dataset,
      strategy: job.strategy,
      params: job.params,
      ...(table !== undefined ? { table } : {}),
      ...(this.options.dataDir !== undefined ? { dataDir: this.options.dataDir } : {}),
      ...(job.source !== undefined ? { source: job.source } : {}),
    };
    const key = JSON.stringify(target);
    let setup = this.searches.get(key);
    if (setup === undefined) {
      setup = openSearch(target);
      setup.catch(() => this.searches.delete(key));
      this.searches.set(key, setup);
      await this.evict(this.searches, async (s) => (await s).close());
    }
    return searchSeed(
      await setup,
      { budget: job.budget, ...(job.warmStart ? { warmStart: job.warmStart } : {}) },
      job.seed,
    );
  }

  private async proxyChunk(job: ProxyChunkJob) {
    const space = getSpace(job.space);
    const proxies = resolveProxies(job.proxies);
    const archs = job.archs.map((text) => space.parse(text));
    const images = job.images;
    const dataDir = images ? undefined : proxyDataDir(proxies, job.dataset, this.options.dataDir);
    // The folder is part of the key: a context made for image-free proxies has none.
    const key = `${job.space}\n${job.dataset}\n${job.seed}\n${dataDir ?? ''}\n${images ? JSON.stringify(images) : ''}`;
    let entry = this.proxies.get(key);
    if (entry === undefined) {
      const sets = images ? this.openRun(images) : undefined;
      entry = {
        context: createProxyContext({
          space,
          dataset: job.dataset,
          seed: job.seed,
          // A run scores with single-threaded programs in process (scorers.ts): the same here, same bits.
          threads: images ? 1 : this.options.threads,
          workers: 1,
          ...(dataDir === undefined ? {} : { dataDir }),
          ...(images && sets
            ? {
                images: {
                  dataset: sets.trainPart,
                  normalization: sets.data.normalization,
                  batchSeed: proxyBatchSeed(images.seed),
                },
              }
            : {}),
        }),
        scorers: new Map(),
        queue: Promise.resolve(),
      };
      this.proxies.set(key, entry);
      await this.evict(this.proxies, releaseScorers);
    }
    const e = entry;
    const run = e.queue.then(() =>
      scoreArchitectures({
        context: e.context,
        proxies,
        archs,
        scorers: e.scorers,
      }),
    );
    e.queue = run.catch(() => undefined);
    const scores = await run;
    return { scores: Object.fromEntries(scores) };
  }

  /** Drops the oldest set-ups beyond KEPT. */
  private async evict<V>(map: Map<string, V>, release: (value: V) => Promise<void>): Promise<void> {
    while (map.size > KEPT) {
      const [oldest, value] = map.entries().next().value as [string, V];
      map.delete(oldest);
      await release(value).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    for (const setup of this.searches.values()) await setup.then((s) => s.close()).catch(() => undefined);
    this.searches.clear();
    for (const entry of this.proxies.values()) await releaseScorers(entry);
    this.proxies.clear();
    this.runs.clear();
    for (const entry of this.darts.values())
      await entry.then((e) => e.programs.release()).catch(() => undefined);
    this.darts.clear();
    for (const entry of this.genas.values())
      await entry.then((e) => releaseSupernet(e.opened)).catch(() => undefined);
    this.genas.clear();
  }
}

async function releaseScorers(entry: ProxyEntry): Promise<void> {
  await entry.queue;
  for (const scorer of entry.scorers.values()) await scorer.release().catch(() => undefined);
  entry.scorers.clear();
}
