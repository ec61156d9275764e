/**
 * `naskit supernet eval`: score architectures with a trained supernet's inherited weights — BN
 * recalibrated per architecture on training images, then loss and accuracy on the validation half —
 * without retraining. The supernet is reopened from its checkpoint alone (the settings it was trained
 * with are stored in it), so a trained supernet is reused rather than retrained.
 */
import { loadCheckpoint, restoreParams } from '../../runtime/checkpoint.js';
import { getSpace } from '../../spaces/index.js';
import { kendall, spearman } from '../../stats/correlation.js';
import { checkSigmas, DEFAULT_SIGMAS, type NoiseMode } from '../../train/supernet/flatness.js';
import type { SupernetTrainer } from '../../train/supernet/trainer.js';
import type { AnySpace } from '../../spaces/space.js';
import {
  convCount,
  parseSubspace,
  subspaceContains,
  subspacesOverlap,
  type Subspace,
} from '../../spaces/subspace.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import type { SearchData } from './data.js';
import {
  checkpointPath,
  jobData,
  parseSupernetJob,
  prepareOutDir,
  shapeOrDataDifference,
  storedJob,
  trainerFor,
  type SupernetJob,
} from './train-job.js';
import {
  CellScorer,
  checkIsomorphSeed,
  checkIsomorphs,
  scoreClass,
  type CellRecord,
  type Isomorphs,
} from './scoring.js';
import { openTruth } from './truth.js';

/**
 * Validation images per run when scoring cells (BN statistics keep batches of 100): a cell's four
 * measurements (clean and three noise levels) on 1,000 images take 8 runs instead of 40.
 */
export const SCORING_MEASURE_BATCH = 500;

/** One trained supernet of an opened supernet (a plain one, or a member of a few-shot family). */
export interface SupernetMember {
  /** The architectures it scores: its training subspace, or null for the whole space. */
  subspace: Subspace | null;
  /** A single-path view of the trained weights (α dropped), ready to evaluate paths. */
  trainer: SupernetTrainer;
  epoch: number;
  checkpoint: string;
}

/**
 * A trained supernet reopened for scoring, or a few-shot family of sub-supernets (one per subspace,
 * the same images and shape), each architecture scored by the member whose subspace holds it.
 */
export interface OpenedSupernet {
  /** The first member's training settings. */
  job: SupernetJob;
  data: SearchData;
  members: readonly SupernetMember[];
  /** The checkpoint file, or the family's files joined by ','. */
  checkpoint: string;
}

interface OpenOptions {
  dataDir?: string;
  threads?: number;
  evalBatch?: number;
  measureBatch?: number;
}

/** `--supernet`: one supernet folder (or checkpoint file), or a few-shot family's, separated by commas. */
export function openSupernet(supernet: string, options: OpenOptions = {}): OpenedSupernet {
  const files = supernet
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => checkpointPath(s));
  if (files.length === 0)
    throw new NaskitError('invalid_argument', '--supernet is empty; pass a supernet folder');
  const loaded = files.map((file) => ({ file, ...loadCheckpoint(file) }));
  const jobs = loaded.map(({ file, metadata }) =>
    parseSupernetJob({
      ...storedJob(file, metadata),
      out: '.',
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
    } as never),
  );
  const subspaces = checkFamily(files, jobs);
  const job = jobs[0]!;
  const data = jobData(job);
  // The BN-statistics and evaluation programs run whole batches of this size.
  const evalBatch = Math.min(options.evalBatch ?? 100, data.train.n);
  const measureBatch = Math.min(options.measureBatch ?? evalBatch, data.valid.n);
  const members: SupernetMember[] = [];
  try {
    loaded.forEach(({ file, params, metadata }, i) => {
      // Members share the first one's compiled programs: same supernet, other weights.
      const shared = members[0] ? { programs: members[0].trainer.programs } : {};
      const trainer = trainerFor({ ...jobs[i]!, mode: 'single-path' }, data, undefined, {
        evalBatch,
        measureBatch,
        ...shared,
      });
      members.push({ subspace: subspaces[i]!, trainer, epoch: Number(metadata.epoch), checkpoint: file });
      restoreParams(trainer.params, params, false);
      const missing = trainer.params.names().filter((n) => !params.has(n));
      if (missing.length > 0) {
        throw new NaskitError(
          'shape_mismatch',
          `${file} lacks ${missing.length} supernet parameters (e.g. ${missing[0]})`,
        );
      }
    });
  } catch (err) {
    void releaseMembers(members);
    throw err;
  }
  return { job, data, members, checkpoint: files.join(',') };
}

/** A family's members: one shape, one data split, disjoint subspaces. Returns each member's subspace. */
function checkFamily(files: readonly string[], jobs: readonly SupernetJob[]): (Subspace | null)[] {
  const subspaces = jobs.map((j) => (j.subspace ? parseSubspace(j.subspace) : null));
  if (jobs.length === 1) return subspaces;
  jobs.forEach((j, i) => {
    if (!subspaces[i]) {
      throw new NaskitError(
        'invalid_argument',
        `--supernet lists ${files.length} supernets, but ${files[i]} was trained on the whole space; a few-shot family's members are trained with --subspace`,
      );
    }
    const field = shapeOrDataDifference(j, jobs[0]!);
    if (field) {
      throw new NaskitError(
        'invalid_argument',
        `--supernet: ${files[i]} was trained with ${field} ${JSON.stringify(j[field])}, ${files[0]} with ${JSON.stringify(jobs[0]![field])}; a family shares its shape, images and seed`,
      );
    }
    for (let k = 0; k < i; k++) {
      const a = subspaces[k]!;
      const b = subspaces[i]!;
      if (subspacesOverlap(a, b)) {
        throw new NaskitError(
          'invalid_argument',
          `--supernet: the subspaces ${a.label} (${files[k]}) and ${b.label} (${files[i]}) overlap; give each architecture one supernet`,
        );
      }
    }
  });
  return subspaces;
}

/** The member that scores `arch`; a clear error when no member's subspace holds it. */
export function memberFor(opened: OpenedSupernet, space: AnySpace, arch: unknown): SupernetMember {
  const member = opened.members.find((m) => m.subspace === null || subspaceContains(space, m.subspace, arch));
  if (!member) {
    const labels = opened.members.map((m) => m.subspace!.label).join(', ');
    throw new NaskitError(
      'invalid_argument',
      `${space.format(arch)} (${convCount(space, arch)} convolution ops) is in none of the supernets' subspaces (${labels}); train a sub-supernet for it ('naskit supernet train --subspace ...') and add it to --supernet`,
    );
  }
  return member;
}

/** Epochs trained: the supernet's, or each member's of a family. */
export function epochOf(opened: OpenedSupernet): number | number[] {
  const epochs = opened.members.map((m) => m.epoch);
  return epochs.length === 1 ? epochs[0]! : epochs;
}

/** Releases every member's programs (the shared ones last, with their owner). */
export async function releaseSupernet(opened: OpenedSupernet): Promise<void> {
  await releaseMembers(opened.members);
}

async function releaseMembers(members: readonly SupernetMember[]): Promise<void> {
  for (const m of [...members].reverse()) await m.trainer.release();
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
  /**
   * Average every score over up to this many encodings of each architecture's isomorphism class, or
   * over all of it (NB201; default 1: the architecture alone). Each encoding is scored and cached on its own.
   */
  isomorphs?: Isomorphs;
  /** Which encodings are drawn when a class holds more than `isomorphs` (default 0). */
  isomorphSeed?: number;
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
  /** The checkpoint, or a few-shot family's checkpoints joined by ','. */
  supernet: string;
  /** Epochs trained (a family: each member's). */
  epoch: number | number[];
  calibration_images: number;
  valid_images: number;
  noise: NoiseMode;
  sigmas: readonly number[];
  /** Encodings averaged per architecture at most, or 'all' (1: none). */
  isomorphs: Isomorphs;
  /** The seed of the encodings drawn from classes larger than `isomorphs`. */
  isomorph_seed: number;
  scores: CellRecord[];
  /** NB201 only, when the table is present. */
  correlations: Correlation[];
  /** τ between score pairs (e.g. angle vs flatness: GeNAS Table 1). */
  pairs: { a: string; b: string; kendall: number }[];
  /** Cells (encodings) this run scored; cached ones and class members scored earlier excluded. */
  cells_scored: number;
  /** Wall seconds per cell scored by this run (0 when every score was cached). */
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

/**
 * `--sample N`: N distinct random architectures, none of them among `given` (fewer when a finite space
 * runs out), in draw order from the seed.
 */
export function sampleArchitectures(
  space: AnySpace,
  n: number,
  seed: number,
  given: readonly unknown[] = [],
): unknown[] {
  const rng = new Rng(seed).fork('sample');
  const seen = new Set(given.map((a) => space.key(a)));
  const limit = space.size === null ? n : Math.min(n, space.size - seen.size);
  const out: unknown[] = [];
  while (out.length < limit) {
    const a = space.sample(rng);
    const key = space.key(a);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(a);
  }
  return out;
}

export async function scoreWithSupernet(options: ScoreOptions, progress: Progress): Promise<ScoreResult> {
  const calibrationImages = options.calibrationImages ?? 500;
  const opened = openSupernet(options.supernet, {
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.threads ? { threads: options.threads } : {}),
    evalBatch: Math.min(100, calibrationImages),
    measureBatch: Math.min(SCORING_MEASURE_BATCH, options.validImages ?? Infinity),
  });
  const space = getSpace(opened.job.space);
  let scorer: CellScorer | null = null;
  try {
    const archs = (options.archs ?? []).map((text) => space.parse(text));
    if (options.sample) archs.push(...sampleArchitectures(space, options.sample, options.seed ?? 0, archs));
    if (archs.length === 0)
      throw new NaskitError('invalid_argument', 'give architectures with --arch, --archs-file or --sample N');
    const sigmas = options.sigmas ?? DEFAULT_SIGMAS;
    checkSigmas(sigmas);
    const noise = options.noise ?? 'faithful';
    // Checked before the scorer takes the output folder.
    const isomorphs = options.isomorphs ?? 1;
    checkIsomorphs(space, isomorphs);
    const isomorphSeed = options.isomorphSeed ?? 0;
    checkIsomorphSeed(isomorphSeed);
    scorer = new CellScorer(
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
      (m) => progress.log(m),
    );
    const records: CellRecord[] = [];
    const started = performance.now();
    const before = scorer.size;
    progress.start('scoring', archs.length);
    for (const arch of archs) {
      records.push((await scoreClass(scorer, arch, isomorphs, isomorphSeed)).record);
      progress.update(records.length);
    }
    progress.stop();
    // Per encoding scored here (with --isomorphs, several per architecture).
    const computed = scorer.size - before;
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
      epoch: epochOf(opened),
      calibration_images: scorer.calibrationImages,
      valid_images: scorer.validImages,
      noise,
      sigmas,
      isomorphs,
      isomorph_seed: isomorphSeed,
      scores: records,
      correlations,
      pairs: [
        pair('angle', 'flatness'),
        pair('angle', 'flatness-only'),
        pair('flatness', '-loss'),
        pair('flatness-only', '-loss'),
      ],
      cells_scored: computed,
      seconds_per_cell: computed > 0 ? seconds / computed : 0,
    };
  } finally {
    scorer?.close();
    await releaseSupernet(opened);
  }
}
