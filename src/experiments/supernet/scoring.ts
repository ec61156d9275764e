/**
 * Scores of architectures under a trained supernet's inherited weights — everything GeNAS and its
 * baselines rank by — computed once per architecture and kept in an append-only `scores.jsonl`, so an
 * interrupted scoring or search resumes without rescoring and several objectives and seeds share the
 * work. Per architecture: BN recalibrated on the calibration images (clean weights), then
 * - loss and accuracy (percent) on the validation images (PBS),
 * - the losses at each noise level and the derived flatness scores (FBS; see train/supernet/flatness.ts),
 * - the angle between the path's weights at initialization and now (ABS).
 * The noise of a candidate is drawn from a generator forked from the noise seed by the architecture's
 * key (faithful mode: each candidate its own draw) or by nothing (shared mode: the same draw for all),
 * so a score never depends on the order in which candidates are scored.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subset, type ImageDataset } from '../../data/dataset.js';
import { loadCheckpoint } from '../../runtime/checkpoint.js';
import type { ParamStore } from '../../runtime/params.js';
import type { AnySpace, IsomorphClasses } from '../../spaces/space.js';
import { angleOf } from '../../train/supernet/angle.js';
import { flatnessOf, type FlatnessResult, type NoiseMode } from '../../train/supernet/flatness.js';
import { INIT_FILE } from '../../train/supernet/trainer.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { acquireLock, type RunLock } from '../run/lock.js';
import type { SearchData } from './data.js';
import { epochOf, memberFor, type OpenedSupernet } from './eval-job.js';

export interface CellRecord extends FlatnessResult {
  arch: string;
  key: string;
  angle: number;
  seconds: number;
  /** Present when the scores are means over isomorphic encodings (`--isomorphs K`). */
  isomorphs?: IsomorphAverage;
}

export interface IsomorphAverage {
  /** Encodings in the cell's isomorphism class. */
  class_size: number;
  /** The encodings averaged (the class, or K of it drawn once per class). */
  averaged: string[];
}

export interface ScorerSettings {
  sigmas: readonly number[];
  noise: NoiseMode;
  noiseSeed: number;
  calibrationImages: number;
  /** Validation images (the first N of the validation half); default all. */
  validImages?: number;
}

/**
 * The images every architecture is scored on: `calibrationImages` training images drawn with the noise
 * seed for the BN statistics, and the first `validImages` of the validation half (default all).
 */
export function scoringImages(
  data: Pick<SearchData, 'train' | 'valid'>,
  settings: Pick<ScorerSettings, 'noiseSeed' | 'calibrationImages' | 'validImages'>,
): { calibration: ImageDataset; valid: ImageDataset } {
  const rng = new Rng(settings.noiseSeed).fork('calibration');
  const n = Math.min(settings.calibrationImages, data.train.n);
  const v = Math.min(settings.validImages ?? data.valid.n, data.valid.n);
  return {
    calibration: subset(data.train, rng.sampleIndices(data.train.n, n)),
    valid:
      v === data.valid.n
        ? data.valid
        : subset(
            data.valid,
            Array.from({ length: v }, (_, i) => i),
          ),
  };
}

export class CellScorer {
  private readonly cache = new Map<string, CellRecord>();
  /** Each member's weights at initialization (the angle's reference). */
  private readonly initial: ParamStore[];
  private readonly calibration: ImageDataset;
  private readonly valid: ImageDataset;
  private readonly file: string | null;

  constructor(
    readonly opened: OpenedSupernet,
    readonly space: AnySpace,
    readonly settings: ScorerSettings,
    /** Folder of scores.jsonl (resumable cache); null keeps scores in memory only. */
    dir: string | null,
    /** Hears of a stale lock taken over. */
    log: (message: string) => void = () => {},
  ) {
    const { data } = opened;
    this.initial = opened.members.map((m) => {
      const initPath = join(m.checkpoint, '..', INIT_FILE);
      if (!existsSync(initPath)) {
        throw new NaskitError(
          'data_missing',
          `${initPath} is missing: the angle score needs the supernet's weights at initialization`,
        );
      }
      return loadCheckpoint(initPath).params;
    });
    ({ calibration: this.calibration, valid: this.valid } = scoringImages(data, settings));
    this.file = dir ? join(dir, 'scores.jsonl') : null;
    // One process at a time appends to a folder's scores.jsonl: two would interleave lines and each
    // miss the other's scores. A killed owner's lock is taken over (and `log` says so).
    const file = this.file;
    this.lock = file
      ? acquireLock(
          `${file}.lock`,
          log,
          (holder) =>
            `${file} is in use: naskit process ${holder.pid} is scoring into it; wait for it to finish or give another --out ` +
            `(lock file ${file}.lock, held since ${holder.started} on ${holder.host}; delete it if that process is gone for good)`,
        )
      : null;
    try {
      if (file && existsSync(file)) this.load(file);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  private readonly lock: RunLock | null;
  private classes: IsomorphClasses<unknown> | null = null;

  /** The space's isomorphism classes, built on first use and kept for this scorer's lookups. */
  isomorphClasses(): IsomorphClasses<unknown> {
    if (!this.space.isomorphClasses) {
      throw new NaskitError('invalid_argument', `the ${this.space.name} space has no isomorphism classes`);
    }
    return (this.classes ??= this.space.isomorphClasses());
  }

  /** Lets another process score into the same folder (the cache on disk stays as it is). */
  close(): void {
    this.lock?.release();
  }

  get calibrationImages(): number {
    return this.calibration.n;
  }

  get validImages(): number {
    return this.valid.n;
  }

  /** Identity of the scores: a cache written under other settings is refused. */
  private header(): Record<string, unknown> {
    return {
      type: 'settings',
      supernet: this.opened.checkpoint,
      epoch: epochOf(this.opened),
      sigmas: this.settings.sigmas,
      noise: this.settings.noise,
      noise_seed: this.settings.noiseSeed,
      calibration_images: this.calibration.n,
      valid_images: this.valid.n,
    };
  }

  private load(file: string): void {
    const lines = readFileSync(file, 'utf8').split('\n');
    const header = JSON.stringify(this.header());
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        if (i >= lines.length - 2) return; // a torn last line from an interrupted run
        throw new NaskitError('data_corrupt', `${file}:${i + 1} is not JSON`);
      }
      if (record.type === 'settings') {
        if (JSON.stringify(record) !== header) {
          throw new NaskitError(
            'invalid_argument',
            `${file} holds scores computed with other settings (${JSON.stringify(record)}); use another output folder or the same settings`,
          );
        }
      } else this.cache.set(record.key as string, record as unknown as CellRecord);
    });
  }

  known(key: string): CellRecord | undefined {
    return this.cache.get(key);
  }

  get size(): number {
    return this.cache.size;
  }

  /** Every scored architecture, in scoring order. */
  records(): CellRecord[] {
    return [...this.cache.values()];
  }

  async score(arch: unknown): Promise<CellRecord> {
    const key = this.space.key(arch);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const started = performance.now();
    const member = memberFor(this.opened, this.space, arch);
    const { trainer } = member;
    const { data } = this.opened;
    const path = trainer.supernet.pathOf(arch);
    const active = trainer.activeParams(path);
    const noiseRng = new Rng(this.settings.noiseSeed).fork(
      this.settings.noise === 'shared' ? 'noise' : `noise/${key}`,
    );
    const flat = await flatnessOf(
      trainer.programs,
      trainer.params,
      path,
      active,
      { calibration: this.calibration, valid: this.valid, normalization: data.normalization },
      { sigmas: this.settings.sigmas, noise: this.settings.noise, rng: noiseRng },
    );
    const record: CellRecord = {
      arch: this.space.format(arch),
      key,
      ...flat,
      angle: angleOf(this.initial[this.opened.members.indexOf(member)]!, trainer.params, active),
      seconds: (performance.now() - started) / 1000,
    };
    this.keep(record);
    return record;
  }

  /**
   * A record scored elsewhere under the same settings (a worker's, for a search on Redis): kept in the
   * cache and its file as if scored here; one already known is left as it is.
   */
  adopt(record: CellRecord): void {
    // The key is recomputed here, not taken on trust from the record.
    const key = this.space.key(this.space.parse(record.arch));
    if (!this.cache.has(key)) this.keep({ ...record, key });
  }

  private keep(record: CellRecord): void {
    this.cache.set(record.key, record);
    if (this.file) {
      if (!existsSync(this.file)) appendFileSync(this.file, `${JSON.stringify(this.header())}\n`);
      appendFileSync(this.file, `${JSON.stringify(record)}\n`);
    }
  }
}

export const OBJECTIVES = [
  'flatness',
  'flatness-only',
  'angle',
  'accuracy',
  'loss',
  'angle+flatness',
  'accuracy+flatness',
  'angle+flatness-only',
  'accuracy+flatness-only',
] as const;
export type Objective = (typeof OBJECTIVES)[number];

/**
 * The value an objective maximizes. Combined scores follow GeNAS: angle/π (in [0, 1]) or accuracy as
 * a fraction (in [0, 1]) plus γ·(1/σ₁)·flatness, where (1/σ₁)·flatness ≈ 1/L for the faithful score.
 */
export function objectiveValue(objective: Objective, r: CellRecord, sigma1: number, gamma: number): number {
  const flat = (v: number): number => (gamma / sigma1) * v;
  switch (objective) {
    case 'flatness':
      return r.flatness;
    case 'flatness-only':
      return r.flatness_only;
    case 'angle':
      return r.angle;
    case 'accuracy':
      return r.accuracy / 100;
    case 'loss':
      return -r.loss;
    case 'angle+flatness':
      return r.angle + flat(r.flatness);
    case 'accuracy+flatness':
      return r.accuracy / 100 + flat(r.flatness);
    case 'angle+flatness-only':
      return r.angle + flat(r.flatness_only);
    case 'accuracy+flatness-only':
      return r.accuracy / 100 + flat(r.flatness_only);
    default:
      throw new NaskitError(
        'invalid_argument',
        `unknown objective '${String(objective)}'; choose one of ${OBJECTIVES.join(', ')}`,
      );
  }
}

/** How many encodings of a class a score averages: a count, or the whole class. */
export type Isomorphs = number | 'all';

/** `--isomorphs K|all`. */
export function parseIsomorphs(text: string): Isomorphs {
  if (text === 'all') return 'all';
  const k = Number(text);
  if (!/^\d+$/.test(text.trim()) || !(k >= 1)) {
    throw new NaskitError(
      'invalid_argument',
      `--isomorphs must be a positive integer or 'all', got '${text}'`,
    );
  }
  return k;
}

/**
 * The averaging clause of a result line: "; scores averaged over up to 8 isomorphic encodings (draw
 * seed 3)" or "… over all isomorphic encodings", then `suffix`; nothing when each cell is scored alone.
 */
export function describeIsomorphs(k: Isomorphs, drawSeed = 0, suffix = ''): string {
  if (k === 1) return '';
  const what =
    k === 'all'
      ? 'all isomorphic encodings'
      : `up to ${k} isomorphic encodings${drawSeed !== 0 ? ` (draw seed ${drawSeed})` : ''}`;
  return `; scores averaged over ${what}${suffix}`;
}

/** `--isomorphs K`: a positive integer or 'all', other than 1 only for a space with isomorphism classes. */
export function checkIsomorphs(space: AnySpace, k: Isomorphs): void {
  if (k !== 'all' && (!Number.isInteger(k) || k < 1)) {
    throw new NaskitError('invalid_argument', `--isomorphs must be a positive integer or 'all', got ${k}`);
  }
  if (k !== 1 && !space.isomorphClasses) {
    throw new NaskitError(
      'invalid_argument',
      `--isomorphs ${k}: the ${space.name} space has no isomorphism classes to average over (nb201 has); drop --isomorphs`,
    );
  }
}

/** `--isomorph-seed`: which K encodings of each class are drawn (a non-negative integer; default 0). */
export function checkIsomorphSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) {
    throw new NaskitError('invalid_argument', `--isomorph-seed must be a non-negative integer, got ${seed}`);
  }
}

/**
 * Up to `k` encodings of the isomorphism class of `arch` (all of it when smaller; `classes` are the
 * space's), drawn by a generator seeded by `drawSeed` and the class alone, so that isomorphic cells
 * get the same encodings and the same score.
 */
export function isomorphSample(
  space: AnySpace,
  classes: IsomorphClasses<unknown>,
  arch: unknown,
  k: Isomorphs,
  drawSeed = 0,
): { members: unknown[]; size: number } {
  checkIsomorphs(space, k);
  if (k === 1) return { members: [arch], size: 1 };
  const all = classes.of(arch);
  const members =
    k === 'all' || all.length <= k
      ? all
      : new Rng(drawSeed)
          .fork(`isomorphs/${space.key(all[0])}`)
          .shuffle(all)
          .slice(0, k);
  return { members, size: all.length };
}

/** The mean of each score over records of isomorphic encodings, filed under `arch`. */
export function averageRecords(
  space: AnySpace,
  arch: unknown,
  records: readonly CellRecord[],
  classSize: number,
): CellRecord {
  const mean = (f: (r: CellRecord) => number) => records.reduce((sum, r) => sum + f(r), 0) / records.length;
  const meanOf = (f: (r: CellRecord) => readonly number[]) =>
    f(records[0]!).map((_, i) => mean((r) => f(r)[i]!));
  return {
    arch: space.format(arch),
    key: space.key(arch),
    loss: mean((r) => r.loss),
    accuracy: mean((r) => r.accuracy),
    levels: meanOf((r) => r.levels),
    depth: mean((r) => r.depth),
    slopes: meanOf((r) => r.slopes),
    flatness: mean((r) => r.flatness),
    flatness_only: mean((r) => r.flatness_only),
    angle: mean((r) => r.angle),
    seconds: records.reduce((sum, r) => sum + r.seconds, 0),
    isomorphs: { class_size: classSize, averaged: records.map((r) => r.arch) },
  };
}

/**
 * The scores of `arch` (k = 1), or their means over up to k isomorphic encodings, each scored once
 * and cached per encoding; `members` are the per-encoding records behind the mean.
 */
export async function scoreClass(
  scorer: CellScorer,
  arch: unknown,
  k: Isomorphs,
  drawSeed = 0,
): Promise<{ record: CellRecord; members: CellRecord[] }> {
  if (k === 1) {
    const record = await scorer.score(arch);
    return { record, members: [record] };
  }
  const { members, size } = isomorphSample(scorer.space, scorer.isomorphClasses(), arch, k, drawSeed);
  const records: CellRecord[] = [];
  for (const m of members) records.push(await scorer.score(m));
  return { record: averageRecords(scorer.space, arch, records, size), members: records };
}

/** Like `scoreClass`, from the cache only: null when an encoding it needs has not been scored. */
export function knownClass(scorer: CellScorer, arch: unknown, k: Isomorphs, drawSeed = 0): CellRecord | null {
  if (k === 1) return scorer.known(scorer.space.key(arch)) ?? null;
  const { members, size } = isomorphSample(scorer.space, scorer.isomorphClasses(), arch, k, drawSeed);
  const records = members.map((m) => scorer.known(scorer.space.key(m)));
  if (records.some((r) => r === undefined)) return null;
  return averageRecords(scorer.space, arch, records as CellRecord[], size);
}
