/**
 * `naskit predict meta-eval`: few-shot transfer of a GCN predictor to a held-out setting. Learns on
 * every other setting, adapts on k shots of the held-out one and measures rank correlation on the rest.
 */
import { releasePrograms, setPredictorThreads } from '../../predictors/engine.js';
import {
  DEFAULT_META_EVAL,
  type Features,
  type MetaEvalConfig,
  type MetaEvalOptions,
  type MetaEvalResult,
  type Method,
  checkCvMethods,
  runMetaEval,
} from '../../predictors/meta-eval.js';
import type { CvStart } from '../../predictors/adapt-cv.js';
import { threadExecutor } from '../../predictors/meta-eval-threads.js';
import { DEFAULT_SCORE_FEATURES, attachScoreFeatures, defaultScoreCacheDir } from './score-features.js';
import { type SettingsSelection, loadSettings } from './settings.js';

export {
  DEFAULT_META_EVAL,
  DEFAULT_METHODS,
  FEATURES,
  METHODS,
  type Features,
  type Method,
  type MetaEvalResult,
} from '../../predictors/meta-eval.js';

export interface MetaEvalJob extends SettingsSelection {
  /** Setting name, or 'space:NAME' for all settings of a space. */
  holdout: string;
  methods: readonly Method[];
  /** Support sizes k. */
  shots: readonly number[];
  /** Support draws per k. */
  seeds: number;
  seed: number;
  /** Outer iterations of MAML and Reptile (default: DEFAULT_META_EVAL's). */
  metaIterations?: number;
  /** Full-parameter gradient evaluations per learned initialization. */
  budget?: number;
  /** GCN width. */
  hidden?: number;
  contextBank?: boolean;
  contextEverywhere?: boolean;
  /** ONNX Runtime threads per predictor program (and per proxy program of the score features). */
  threads?: number;
  /**
   * Worker threads the run's stages spread over (the two start trainings at once, then the draws);
   * 1 (the default) runs everything on the calling thread. Same results either way.
   */
  workers?: number;
  /** 'graph' (default) or 'graph+scores'. */
  features?: Features;
  /** Proxies used as score features (default params, flops). */
  scoreFeatures?: readonly string[];
  /** Folder of the score caches (default: defaultScoreCacheDir()). */
  cacheDir?: string;
  /** Seed of the score proxies (batch choice, random inits; default 0): part of the cache's identity. */
  scoreSeed?: number;
  /** Starts the CV methods choose among (default own, pooled, ensemble). */
  cvStarts?: readonly CvStart[];
  /** Folds of the CV methods. */
  cvFolds?: number;
  /** Fold draws of the CV methods (their out-of-fold Spearman values are averaged). */
  cvRepeats?: number;
  /** The candidates the CV methods choose among (adapt-cv.ts labels), or 'all' for the whole grid. */
  cvCandidates?: readonly string[] | 'all';
  /** CV methods also report every candidate's Spearman on the query set (a diagnostic). */
  cvReport?: boolean;
}

/** The meta-eval settings a job asks for: DEFAULT_META_EVAL with the job's changes. */
export function metaEvalConfig(job: Omit<MetaEvalJob, keyof SettingsSelection>): MetaEvalConfig {
  const config = structuredClone(DEFAULT_META_EVAL);
  if (job.metaIterations) {
    config.maml.iterations = job.metaIterations;
    config.reptile.iterations = job.metaIterations;
  }
  if (job.hidden) config.model.hidden = job.hidden;
  if (job.contextBank) config.contextBank = true;
  if (job.contextEverywhere) config.model.contextEverywhere = true;
  if (job.budget) config.budget = job.budget;
  if (job.features) config.features = job.features;
  if (job.cvStarts) {
    const starts = [...job.cvStarts];
    config.cv.starts = starts;
    // The default candidates of starts that no longer compete drop out (own:default is own's).
    if (config.cv.only)
      config.cv.only = config.cv.only.filter((l) => starts.some((s) => l.startsWith(`${s}:`)));
  }
  if (job.cvFolds) {
    config.cv.folds = job.cvFolds;
    config.cv.minShots = Math.max(config.cv.minShots, job.cvFolds);
  }
  if (job.cvRepeats) config.cv.repeats = job.cvRepeats;
  if (job.cvCandidates === 'all') delete config.cv.only;
  else if (job.cvCandidates) config.cv.only = [...job.cvCandidates];
  return config;
}

export async function metaEvalJob(job: MetaEvalJob, log: (m: string) => void): Promise<MetaEvalResult> {
  if (job.threads) setPredictorThreads(job.threads);
  const config = metaEvalConfig(job);
  checkCvMethods(job.methods, config);
  let settings = await loadSettings(job, log);
  if (config.features === 'graph+scores') {
    const t0 = performance.now();
    settings = await attachScoreFeatures(settings, {
      proxies: job.scoreFeatures ?? DEFAULT_SCORE_FEATURES,
      cacheDir: job.cacheDir ?? defaultScoreCacheDir(),
      ...(job.dataDir === undefined ? {} : { dataDir: job.dataDir }),
      seed: job.scoreSeed ?? 0,
      threads: job.threads ?? 1,
      log,
    });
    log(`score features: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const options: MetaEvalOptions = {
    settings,
    holdout: job.holdout,
    methods: job.methods,
    shots: job.shots,
    seeds: job.seeds,
    seed: job.seed,
    config,
    ...(job.cvReport ? { cvReport: true } : {}),
    log,
  };
  try {
    const workers = job.workers ?? 1;
    return workers > 1
      ? await runMetaEval(options, threadExecutor(options, workers, job.threads ?? 1))
      : await runMetaEval(options);
  } finally {
    await releasePrograms();
  }
}
