/**
 * `naskit supernet eval`: score architectures with a trained supernet's inherited weights — BN
 * recalibrated per architecture on training images, then loss and accuracy on the validation half —
 * without retraining. The supernet is reopened from its checkpoint alone (the settings it was trained
 * with are stored in it), so a trained supernet is reused rather than retrained.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { subset } from '../../data/dataset.js';
import { loadCheckpoint, restoreParams } from '../../runtime/checkpoint.js';
import { getSpace } from '../../spaces/index.js';
import { evaluatePath, type SubnetScore } from '../../train/supernet/subnet-eval.js';
import { CHECKPOINT_FILE, type SupernetTrainer } from '../../train/supernet/trainer.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { loadSearchData, type SearchData } from './data.js';
import { parseSupernetJob, trainerFor, type SupernetJob } from './train-job.js';

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
  return statSync(supernet).isDirectory() ? join(supernet, CHECKPOINT_FILE) : supernet;
}

export function openSupernet(
  supernet: string,
  options: { dataDir?: string; threads?: number; evalBatch?: number } = {},
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
  const data = loadSearchData({
    dataset: job.dataset,
    ...(job.dataDir ? { dataDir: job.dataDir } : {}),
    ...(job.trainImages ? { trainImages: job.trainImages } : {}),
    validFraction: job.validFraction,
    ...(job.resolution ? { resolution: job.resolution } : {}),
    augment: job.augment,
    seed: job.seed,
  });
  // The BN-statistics and evaluation programs run whole batches of this size.
  const evalBatch = Math.min(options.evalBatch ?? 100, data.train.n);
  const trainer = trainerFor({ ...job, mode: 'single-path' }, data, undefined, { evalBatch });
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
  archs: readonly string[];
  /** Training images for each architecture's BN statistics (default 500). */
  calibrationImages?: number;
  /** Validation images the loss and accuracy are measured on (default: the whole validation half). */
  validImages?: number;
  dataDir?: string;
  threads?: number;
  seed?: number;
}

export interface CellScore extends SubnetScore {
  arch: string;
}

export async function scoreWithSupernet(
  options: ScoreOptions,
  progress: Progress,
): Promise<{
  supernet: string;
  epoch: number;
  calibration_images: number;
  valid_images: number;
  scores: CellScore[];
}> {
  const opened = openSupernet(options.supernet, {
    ...options,
    evalBatch: Math.min(100, options.calibrationImages ?? 500),
  });
  const { trainer, data } = opened;
  const space = getSpace(opened.job.space);
  try {
    const archs = options.archs.map((text) => space.parse(text));
    const rng = new Rng(options.seed ?? 0);
    const calibrationN = Math.min(options.calibrationImages ?? 500, data.train.n);
    const validN = Math.min(options.validImages ?? data.valid.n, data.valid.n);
    const calibration = subset(data.train, rng.fork('calibration').sampleIndices(data.train.n, calibrationN));
    const valid =
      validN === data.valid.n
        ? data.valid
        : subset(
            data.valid,
            Array.from({ length: validN }, (_, i) => i),
          );
    const scores: CellScore[] = [];
    progress.start('scoring', archs.length);
    for (const arch of archs) {
      const path = trainer.supernet.pathOf(arch);
      const s = await evaluatePath(trainer.programs, trainer.params, path, {
        calibration,
        valid,
        normalization: data.normalization,
      });
      scores.push({ arch: space.format(arch), ...s });
      progress.update(scores.length);
    }
    progress.stop();
    return {
      supernet: opened.checkpoint,
      epoch: opened.epoch,
      calibration_images: calibrationN,
      valid_images: validN,
      scores,
    };
  } finally {
    await trainer.release();
  }
}
