/**
 * `naskit supernet eval`: score architectures with a trained supernet's inherited weights — BN
 * recalibrated per architecture on training images, then loss and accuracy on the validation half —
 * without retraining. The supernet is reopened from its checkpoint alone (the settings it was trained
 * with are stored in it), so a trained supernet is reused rather than retrained.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadCheckpoint, restoreParams } from '../../runtime/checkpoint.js';
import { getSpace } from '../../spaces/index.js';
import { kendall, spearman } from '../../stats/correlation.js';
import { checkSigmas, DEFAULT_SIGMAS, type NoiseMode } from '../../train/supernet/flatness.js';
import { CHECKPOINT_FILE, type SupernetTrainer } from '../../train/supernet/trainer.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import type { SearchData } from './data.js';
import { jobData, parseSupernetJob, prepareOutDir, trainerFor, type SupernetJob } from './train-job.js';
import { CellScorer, type CellRecord } from './scoring.js';
import { openTruth } from './truth.js';

/**
 * Validation images per run when scoring cells (BN statistics keep batches of 100): a cell's four
 * measurements (clean and three noise levels) on 1,000 images take 8 runs instead of 40.
 */
export const SCORING_MEASURE_BATCH = 500;

export interface OpenedSupernet {
  job: SupernetJob;
  data: SearchData;
  /** A single-path view of the trained weights (α dropped), ready to evaluate paths. */
  trainer: SupernetTrainer;
  epoch: number;
  checkpoint: string;
}

/** The checkpoint file of `--supernet` (a training folder or the file itself). */
export function checkpointPath(supernet: string): string {
  if (!existsSync(supernet)) {
    throw new NaskitError(
      'not_found',
      `--supernet ${supernet} does not exist; pass a folder written by 'naskit supernet train' or its ${CHECKPOINT_FILE}`,
    );
  }
  // Absolute, so a score cache names the same supernet however the path was typed.
  return resolve(statSync(supernet).isDirectory() ? join(supernet, CHECKPOINT_FILE) : supernet);
}

export function openSupernet(
  supernet: string,
  options: { dataDir?: string; threads?: number; evalBatch?: number; measureBatch?: number } = {},
): OpenedSupernet {
  const file = checkpointPath(supernet);
  const loaded = loadCheckpoint(file);
  const identity = loaded.metadata.identity as { job?: Record<string, unknown> } | undefined;
  if (!identity?.job) {
    throw new NaskitError(
      'data_corrupt',
      `${file} was not written by 'naskit supernet train' (it has no job settings)`,
    );
  }
  const job = parseSupernetJob({
    ...(identity.job as object),
    out: '.',
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
  } as never);
  const data = jobData(job);
  // The BN-statistics and evaluation programs run whole batches of this size.
  const evalBatch = Math.min(options.evalBatch ?? 100, data.train.n);
  const trainer = trainerFor({ ...job, mode: 'single-path' }, data, undefined, {
    evalBatch,
    measureBatch: Math.min(options.measureBatch ?? evalBatch, data.valid.n),
  });
  restoreParams(trainer.params, loaded.params, false);
  const missing = trainer.params.names().filter((n) => !loaded.params.has(n));
  if (missing.length > 0) {
    void trainer.release();
    throw new NaskitError(
      'shape_mismatch',
      `${file} lacks ${missing.length} supernet parameters (e.g. ${missing[0]})`,
    );
  }
  return { job, data, trainer, epoch: Number(loaded.metadata.epoch), checkpoint: file };
}

export interface ScoreOptions {
  supernet: string;
  /** Architectures to score, in the space's canonical string form. */
  archs?: readonly string[];
  /** Also score this many distinct random architectures of the space (seeded by `seed`). */
  sample?: number;
  /** Training images for each architecture's BN statistics (default 500). */
  calibrationImages?: number;
  /** Validation images the loss and accuracy are measured on (default: the whole validation half). */
  validImages?: number;
  sigmas?: readonly number[];
  noise?: NoiseMode;
  noiseSeed?: number;
  /** Folder for the resumable score cache (scores.jsonl); none keeps scores in memory. */
  out?: string;
  dataDir?: string;
  threads?: number;
  seed?: number;
}

/** Rank correlations of one score with the truth (higher score = better architecture). */
export interface Correlation {
  score: string;
  dataset: string;
  kendall: number;
  spearman: number;
  n: number;
}

export interface ScoreResult {
  supernet: string;
  epoch: number;
  calibration_images: number;
  valid_images: number;
  noise: NoiseMode;
  sigmas: readonly number[];
  scores: CellRecord[];
  /** NB201 only, when the table is present. */
  correlations: Correlation[];
  /** τ between score pairs (e.g. angle vs flatness: GeNAS Table 1). */
  pairs: { a: string; b: string; kendall: number }[];
  seconds_per_cell: number;
}

/** Scores that rank architectures, each oriented so that higher is better. */
const RANKED: Record<string, (r: CellRecord) => number> = {
  accuracy: (r) => r.accuracy,
  '-loss': (r) => -r.loss,
  flatness: (r) => r.flatness,
  'flatness-only': (r) => r.flatness_only,
  angle: (r) => r.angle,
};

export async function scoreWithSupernet(options: ScoreOptions, progress: Progress): Promise<ScoreResult> {
  const calibrationImages = options.calibrationImages ?? 500;
  const opened = openSupernet(options.supernet, {
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    evalBatch: Math.min(100, calibrationImages),
    measureBatch: Math.min(SCORING_MEASURE_BATCH, options.validImages ?? Infinity),
  });
  const space = getSpace(opened.job.space);
  try {
    const archs = (options.archs ?? []).map((text) => space.parse(text));
    if (options.sample) {
      const rng = new Rng(options.seed ?? 0).fork('sample');
      const seen = new Set(archs.map((a) => space.key(a)));
      const limit = space.size === null ? options.sample : Math.min(options.sample, space.size - seen.size);
      for (let added = 0; added < limit;) {
        const a = space.sample(rng);
        if (seen.has(space.key(a))) continue;
        seen.add(space.key(a));
        archs.push(a);
        added++;
      }
    }
    if (archs.length === 0)
      throw new NaskitError('invalid_argument', 'give architectures with --arch, --archs-file or --sample N');
    const sigmas = options.sigmas ?? DEFAULT_SIGMAS;
    checkSigmas(sigmas);
    const noise = options.noise ?? 'faithful';
    const scorer = new CellScorer(
      opened,
      space,
      {
        sigmas,
        noise,
        noiseSeed: options.noiseSeed ?? 0,
        calibrationImages,
        ...(options.validImages ? { validImages: options.validImages } : {}),
      },
      options.out ? prepareOutDir(options.out) : null,
    );
    const records: CellRecord[] = [];
    const started = performance.now();
    let computed = 0;
    progress.start('scoring', archs.length);
    for (const arch of archs) {
      const cached = scorer.known(space.key(arch)) !== undefined;
      records.push(await scorer.score(arch));
      if (!cached) computed++;
      progress.update(records.length);
    }
    progress.stop();
    const seconds = (performance.now() - started) / 1000;
    const truth = await openTruth(space, options.dataDir);
    const correlations: Correlation[] = [];
    if (truth) {
      const t = records.map((r) => truth.of(space.parse(r.arch))!.true);
      for (const [score, f] of Object.entries(RANKED)) {
        const x = records.map(f);
        for (const dataset of ['cifar10', 'cifar100', 'ImageNet16-120'] as const) {
          const y = t.map((v) => v[dataset]);
          correlations.push({
            score,
            dataset,
            kendall: kendall(x, y, { nonFinite: 'throw' }),
            spearman: spearman(x, y, { nonFinite: 'throw' }),
            n: x.length,
          });
        }
      }
    }
    const pair = (a: string, b: string) => ({
      a,
      b,
      kendall: kendall(records.map(RANKED[a]!), records.map(RANKED[b]!), { nonFinite: 'throw' }),
    });
    return {
      supernet: opened.checkpoint,
      epoch: opened.epoch,
      calibration_images: scorer.calibrationImages,
      valid_images: scorer.validImages,
      noise,
      sigmas,
      scores: records,
      correlations,
      pairs: [
        pair('angle', 'flatness'),
        pair('angle', 'flatness-only'),
        pair('flatness', '-loss'),
        pair('flatness-only', '-loss'),
      ],
      seconds_per_cell: computed > 0 ? seconds / computed : 0,
    };
  } finally {
    await opened.trainer.release();
  }
}
