/**
 * `naskit predict meta-eval`: few-shot transfer of a GCN predictor to a held-out setting. Learns on
 * every other setting, adapts on k shots of the held-out one and measures rank correlation on the rest.
 */
import { releasePrograms, setPredictorThreads } from '../../predictors/engine.js';
import {
  DEFAULT_META_EVAL,
  type MetaEvalResult,
  type Method,
  runMetaEval,
} from '../../predictors/meta-eval.js';
import { type SettingsSelection, loadSettings } from './settings.js';

export { DEFAULT_META_EVAL, METHODS, type Method, type MetaEvalResult } from '../../predictors/meta-eval.js';

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
  /** ONNX Runtime threads per predictor program. */
  threads?: number;
}

export async function metaEvalJob(job: MetaEvalJob, log: (m: string) => void): Promise<MetaEvalResult> {
  if (job.threads) setPredictorThreads(job.threads);
  const config = structuredClone(DEFAULT_META_EVAL);
  if (job.metaIterations) {
    config.maml.iterations = job.metaIterations;
    config.reptile.iterations = job.metaIterations;
  }
  if (job.hidden) config.model.hidden = job.hidden;
  if (job.contextBank) config.contextBank = true;
  if (job.contextEverywhere) config.model.contextEverywhere = true;
  if (job.budget) config.budget = job.budget;
  const settings = await loadSettings(job, log);
  try {
    return await runMetaEval({
      settings,
      holdout: job.holdout,
      methods: job.methods,
      shots: job.shots,
      seeds: job.seeds,
      seed: job.seed,
      config,
      log,
    });
  } finally {
    await releasePrograms();
  }
}
