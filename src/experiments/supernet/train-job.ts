/**
 * `naskit supernet train`: train a weight-sharing supernet on real images, resumable from its
 * epoch-end checkpoint, writing into one folder:
 *   checkpoint.safetensors  weights, α, BN statistics, both optimizers, per-epoch records, settings
 *   init.safetensors        the weights at initialization (GeNAS' angle score)
 *   epochs.jsonl            one record per finished epoch (losses, accuracies, lr, α, derived cell)
 *   summary.json            the settings and the last epoch, when training is complete
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { loadCheckpoint, writeFileAtomic } from '../../runtime/checkpoint.js';
import type { ParamStore } from '../../runtime/params.js';
import { getSpace } from '../../spaces/index.js';
import type { AnySpace } from '../../spaces/space.js';
import { checkSubspace, parseSubspace, sampleSubspace } from '../../spaces/subspace.js';
import {
  CHECKPOINT_FILE,
  DEFAULT_HYPER,
  type EpochRecord,
  INIT_FILE,
  SupernetTrainer,
  type SupernetHyper,
  type SupernetTrainerOptions,
} from '../../train/supernet/trainer.js';
import { NaskitError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { loadSearchData, type SearchData } from './data.js';

const positiveInt = z.number().int().positive();

export const supernetJobSchema = z
  .object({
    space: z.enum(['nb201', 'darts']),
    mode: z.enum(['mixed', 'single-path']),
    dataset: z.string().default('cifar10'),
    dataDir: z.string().optional(),
    trainImages: positiveInt.optional(),
    validFraction: z.number().gt(0).lt(1).default(0.5),
    resolution: positiveInt.optional(),
    augment: z.boolean().default(true),
    channels: positiveInt.optional(),
    cells: positiveInt.optional(),
    epochs: positiveInt.default(DEFAULT_HYPER.epochs),
    batch: positiveInt.default(DEFAULT_HYPER.batchSize),
    lr: z.number().positive().default(DEFAULT_HYPER.lr),
    lrMin: z.number().min(0).default(DEFAULT_HYPER.lrMin),
    momentum: z.number().min(0).lt(1).default(DEFAULT_HYPER.momentum),
    nesterov: z.boolean().default(DEFAULT_HYPER.nesterov),
    weightDecay: z.number().min(0).default(DEFAULT_HYPER.weightDecay),
    gradClip: z.number().min(0).default(DEFAULT_HYPER.gradClip),
    alphaLr: z.number().positive().default(DEFAULT_HYPER.alphaLr),
    alphaWeightDecay: z.number().min(0).default(DEFAULT_HYPER.alphaWeightDecay),
    seed: z.number().int().min(0).default(0),
    /** Single-path paths per step: uniform (absent, SPOS) or fair (FairNAS; recorded only when set). */
    sampling: z.enum(['uniform', 'fair']).optional(),
    /** Few-shot: train on this subspace only (`edge:E=OP` or `convs:A-B`, spaces/subspace.ts); recorded only when set. */
    subspace: z.string().optional(),
    /** Few-shot: start from this trained supernet's weights (its checkpoint file, absolute). */
    initFrom: z.string().optional(),
    threads: positiveInt.optional(),
    out: z.string(),
  })
  .strict();

export type SupernetJobInput = z.input<typeof supernetJobSchema>;
export type SupernetJob = z.output<typeof supernetJobSchema>;

export interface SupernetSummary {
  space: string;
  mode: string;
  supernet: string;
  dataset: string;
  data_source: string;
  resolution: number;
  train_images: number;
  valid_images: number;
  augment_padding: number | null;
  /** Single-path paths per step: uniform (SPOS) or fair (FairNAS). */
  sampling: 'uniform' | 'fair';
  /** Few-shot sub-supernets: the subspace trained on, and the parent's checkpoint. */
  subspace?: string;
  init_from?: string;
  channels: number | null;
  cells: number | null;
  params: number;
  epochs: number;
  steps_per_epoch: number;
  resumed_from_epoch: number;
  seconds: number;
  last: EpochRecord;
  checkpoint: string;
}

export function parseSupernetJob(input: SupernetJobInput): SupernetJob {
  const parsed = supernetJobSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'options';
    throw new NaskitError('invalid_argument', `supernet training: ${field}: ${issue.message}`);
  }
  // `uniform` is the default: leave it out so it names the same training as a job that never set it.
  const { sampling, subspace, initFrom, ...rest } = parsed.data;
  const job: SupernetJob = sampling === 'fair' ? { ...rest, sampling } : rest;
  if (subspace !== undefined) {
    const sub = parseSubspace(subspace);
    checkSubspace(getSpace(job.space), sub);
    if (job.mode !== 'single-path' || (sampling === 'fair' && sub.kind !== 'edge')) {
      throw new NaskitError(
        'invalid_argument',
        `supernet training: --subspace ${sub.label} trains single paths${sub.kind === 'convs' ? ' drawn uniformly from the subspace; drop --sampling fair' : ''}${job.mode !== 'single-path' ? '; drop --mode mixed' : ''}`,
      );
    }
    job.subspace = sub.label;
  }
  // Kept as given: a trained member reopens for scoring even after its parent's folder is gone.
  if (initFrom !== undefined) job.initFrom = initFrom;
  return job;
}

/** The checkpoint file of a supernet argument (a training folder or the file itself), absolute. */
export function checkpointPath(supernet: string, flag = '--supernet'): string {
  if (!existsSync(supernet)) {
    throw new NaskitError(
      'not_found',
      `${flag} ${supernet} does not exist; pass a folder written by 'naskit supernet train' or its ${CHECKPOINT_FILE}`,
    );
  }
  // Absolute, so a score cache names the same supernet however the path was typed.
  return resolve(statSync(supernet).isDirectory() ? join(supernet, CHECKPOINT_FILE) : supernet);
}

/** Check the output folder before any data is loaded: a folder (or nothing yet), writable. */
export function prepareOutDir(out: string): string {
  const dir = resolve(out);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new NaskitError('invalid_argument', `--out ${dir} exists and is not a folder; choose a folder`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new NaskitError(
      'invalid_argument',
      `cannot create --out folder ${dir}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return dir;
}

export function hyperOf(job: SupernetJob): SupernetHyper {
  return {
    ...DEFAULT_HYPER,
    epochs: job.epochs,
    batchSize: job.batch,
    lr: job.lr,
    lrMin: job.lrMin,
    momentum: job.momentum,
    nesterov: job.nesterov,
    weightDecay: job.weightDecay,
    gradClip: job.gradClip,
    alphaLr: job.alphaLr,
    alphaWeightDecay: job.alphaWeightDecay,
  };
}

/** The trainer of a job (data loaded); also used to reopen a trained supernet for scoring. */
export function trainerFor(
  job: SupernetJob,
  data: SearchData,
  dir: string | undefined,
  extra = {},
): SupernetTrainer {
  const space = getSpace(job.space);
  return new SupernetTrainer({
    space,
    supernet: {
      classes: data.classes,
      inputShape: [data.channels, data.resolution, data.resolution],
      ...(job.channels ? { channels: job.channels } : {}),
      ...(job.cells ? { cells: job.cells } : {}),
    },
    mode: job.mode,
    hyper: hyperOf(job),
    data,
    seed: job.seed,
    ...(job.sampling ? { sampling: job.sampling } : {}),
    ...subspaceOptions(space, job),
    ...(job.threads ? { threads: job.threads } : {}),
    ...(dir ? { checkpointDir: dir } : {}),
    // Everything that shapes the data; the folder, threads and data dir do not change results.
    identity: {
      job: jobIdentity(job),
      dataset: job.dataset,
      trainImages: data.train.n + data.valid.n,
      validFraction: job.validFraction,
      resolution: data.resolution,
      augment: job.augment,
    },
    ...extra,
  });
}

/**
 * How a job's paths stay inside its subspace: fair sampling pins the subspace's edge in every path of
 * the group; uniform sampling draws architectures of the subspace.
 */
function subspaceOptions(space: AnySpace, job: SupernetJob): Partial<SupernetTrainerOptions> {
  if (!job.subspace) return {};
  const sub = parseSubspace(job.subspace);
  if (job.sampling === 'fair' && sub.kind === 'edge') return { fixedEdge: { edge: sub.edge, op: sub.op } };
  return { archSampler: (rng: Rng) => sampleSubspace(space, sub, rng) };
}

/**
 * Job fields that fix a supernet's shape and the images it sees, in which split: a few-shot member
 * and its parent, and the members of a family, must agree on all of them.
 */
export const SHAPE_AND_DATA_FIELDS = [
  'space',
  'channels',
  'cells',
  'dataset',
  'trainImages',
  'validFraction',
  'resolution',
  'augment',
  'seed',
] as const;

/** The first of SHAPE_AND_DATA_FIELDS on which two jobs differ, or null. */
export function shapeOrDataDifference(
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): (typeof SHAPE_AND_DATA_FIELDS)[number] | null {
  return SHAPE_AND_DATA_FIELDS.find((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f])) ?? null;
}

/** The training settings a supernet checkpoint records (read back to reopen or extend it). */
export function storedJob(file: string, metadata: Record<string, unknown>): Record<string, unknown> {
  const identity = metadata.identity as { job?: Record<string, unknown> } | undefined;
  if (!identity?.job) {
    throw new NaskitError(
      'data_corrupt',
      `${file} was not written by 'naskit supernet train' (it has no job settings)`,
    );
  }
  return identity.job;
}

/**
 * The start of a few-shot sub-supernet: its parent's trained weights, and the parent's weights at
 * initialization. The parent must be a single-path supernet of the same shape trained on the same
 * images and split (otherwise the child's validation images could be the parent's training images).
 */
function parentStart(job: SupernetJob): { weights: ParamStore; initial: ParamStore } {
  const file = job.initFrom!;
  const loaded = loadCheckpoint(file);
  const parent = storedJob(file, loaded.metadata);
  if (parent.mode !== 'single-path') {
    throw new NaskitError(
      'invalid_argument',
      `--init-from ${file} is a ${String(parent.mode)} supernet; start from a single-path one`,
    );
  }
  const field = shapeOrDataDifference(parent, job);
  if (field) {
    throw new NaskitError(
      'invalid_argument',
      `--init-from ${file} was trained with ${field} ${JSON.stringify(parent[field])}, this training has ${JSON.stringify(job[field])}; use the same space, channels, cells, data and seed as the parent`,
    );
  }
  const initFile = join(dirname(file), INIT_FILE);
  if (!existsSync(initFile)) {
    throw new NaskitError(
      'data_missing',
      `${initFile} is missing: the parent's weights at initialization are needed for the angle score`,
    );
  }
  return { weights: loaded.params, initial: loadCheckpoint(initFile).params };
}

/** The images a job trains on (also how a trained supernet is reopened). */
export function jobData(job: SupernetJob): SearchData {
  return loadSearchData({
    dataset: job.dataset,
    ...(job.dataDir ? { dataDir: job.dataDir } : {}),
    ...(job.trainImages ? { trainImages: job.trainImages } : {}),
    validFraction: job.validFraction,
    ...(job.resolution ? { resolution: job.resolution } : {}),
    augment: job.augment,
    seed: job.seed,
  });
}

/** The job's fields that shape results (not where it writes, reads data from, or how many threads). */
export function jobIdentity(job: SupernetJob): Omit<SupernetJob, 'out' | 'dataDir' | 'threads'> {
  const { out: _out, dataDir: _dataDir, threads: _threads, ...rest } = job;
  return rest;
}

export async function runSupernetTraining(
  input: SupernetJobInput,
  progress: Progress,
): Promise<SupernetSummary> {
  const job = parseSupernetJob(input);
  // The parent, absolute (the checkpoint's identity names it however it was typed).
  if (job.initFrom !== undefined) job.initFrom = checkpointPath(job.initFrom, '--init-from');
  const dir = prepareOutDir(job.out);
  const started = performance.now();
  const data = jobData(job);
  const epochsFile = join(dir, 'epochs.jsonl');
  const trainer = trainerFor(job, data, dir, {
    ...(job.initFrom ? { start: parentStart(job) } : {}),
    onStep: (s: { epoch: number; step: number; steps: number; loss: number }) =>
      progress.update(s.step, `loss ${s.loss.toFixed(3)}`),
    onEpoch: (r: EpochRecord) => {
      progress.stop();
      writeEpochs(epochsFile, trainer.records);
      progress.log(formatEpoch(r, job.epochs));
      if (r.epoch + 1 < job.epochs)
        progress.start(`epoch ${r.epoch + 2}/${job.epochs}`, trainer.stepsPerEpoch);
    },
  });
  try {
    const resumed = trainer.resume();
    const from = trainer.epoch;
    if (resumed) {
      writeEpochs(epochsFile, trainer.records);
      progress.log(`resuming ${trainer.supernet.name} from epoch ${from} (${join(dir, CHECKPOINT_FILE)})`);
    }
    if (from < job.epochs) progress.start(`epoch ${from + 1}/${job.epochs}`, trainer.stepsPerEpoch);
    await trainer.train();
    progress.stop();
    const summary: SupernetSummary = {
      space: job.space,
      mode: job.mode,
      supernet: trainer.supernet.name,
      dataset: data.dataset,
      data_source: data.source,
      resolution: data.resolution,
      train_images: data.train.n,
      valid_images: data.valid.n,
      augment_padding: data.cropFlipPadding ?? null,
      sampling: job.sampling ?? 'uniform',
      ...(job.subspace ? { subspace: job.subspace } : {}),
      ...(job.initFrom ? { init_from: job.initFrom } : {}),
      channels: job.channels ?? null,
      cells: job.cells ?? null,
      params: trainer.params.numel('trainable'),
      epochs: job.epochs,
      steps_per_epoch: trainer.stepsPerEpoch,
      resumed_from_epoch: from,
      seconds: (performance.now() - started) / 1000,
      last: trainer.records[trainer.records.length - 1]!,
      checkpoint: join(dir, CHECKPOINT_FILE),
    };
    writeFileAtomic(join(dir, 'summary.json'), Buffer.from(`${JSON.stringify(summary, null, 2)}\n`));
    return summary;
  } finally {
    progress.stop();
    await trainer.release();
  }
}

function writeEpochs(path: string, records: readonly EpochRecord[]): void {
  writeFileAtomic(
    path,
    Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + (records.length ? '\n' : '')),
  );
}

export function readEpochs(path: string): EpochRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as EpochRecord);
}

export function formatEpoch(r: EpochRecord, epochs: number): string {
  const parts = [
    `epoch ${r.epoch + 1}/${epochs}`,
    `lr ${r.lr.toFixed(4)}`,
    `train loss ${r.train_loss.toFixed(3)} acc ${r.train_accuracy.toFixed(1)}%`,
  ];
  if (r.valid_loss !== undefined)
    parts.push(`valid loss ${r.valid_loss.toFixed(3)} acc ${r.valid_accuracy!.toFixed(1)}%`);
  if (r.derived) parts.push(`derived ${r.derived}`);
  parts.push(`${r.seconds.toFixed(1)} s`);
  return parts.join(' | ');
}
