/**
 * `naskit search --strategy genas`: GeNAS end to end. Train a single-path (SPOS) supernet with uniform
 * paths — or reuse one (`--supernet`) — then run GeNAS' evolutionary search once per seed with the
 * chosen objective over scores under inherited weights, and report the architecture each seed picks
 * with its true NB201 test accuracy (read from the table for reporting only). Resumable: the supernet
 * resumes from its epoch checkpoint and scores from `scores.jsonl`.
 */
import { join } from 'node:path';
import { writeFileAtomic } from '../../runtime/checkpoint.js';
import { evolve, GENAS_EVOLUTION, type EvolutionSettings } from '../../search/supernet/evolution.js';
import { genomeFor } from '../../search/supernet/genome.js';
import { getSpace } from '../../spaces/index.js';
import { checkSigmas, DEFAULT_SIGMAS, type NoiseMode } from '../../train/supernet/flatness.js';
import type { PathSampling } from '../../train/supernet/trainer.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { dataFingerprint } from '../run/layout.js';
import { openSupernet, releaseSupernet, SCORING_MEASURE_BATCH, type OpenedSupernet } from './eval-job.js';
import {
  CellScorer,
  checkIsomorphSeed,
  checkIsomorphs,
  describeIsomorphs,
  knownClass,
  objectiveValue,
  OBJECTIVES,
  scoreClass,
  type CellRecord,
  type Isomorphs,
  type Objective,
} from './scoring.js';
import { prepareOutDir, runSupernetTraining, type SupernetJobInput } from './train-job.js';
import { openTruth, truthStats, type Truth, type TruthTables } from './truth.js';
import { writeGenasReport } from './report.js';

/**
 * Default scale per space: what the README experiment used on NB201 (so `naskit search --strategy
 * genas` reproduces its rows), a small end-to-end scale on DARTS.
 */
export const GENAS_DEFAULTS = {
  // The best-ranking supernet of docs/benchmarks.md (fair sampling, C=16, 40 epochs: τ 0.418 over
  // 1,000 cells; uniform C=8 at 200 epochs: 0.361), so the default command gives its search rows.
  nb201: {
    channels: 16,
    cells: 1,
    resolution: 16,
    trainImages: 10_000,
    sampling: 'fair' as PathSampling,
    epochs: 40,
    lr: 0.1,
    calibrationImages: 500,
    validImages: 1_000,
    isomorphs: 1 as Isomorphs,
  },
  darts: {
    channels: 8,
    cells: 5,
    resolution: 16,
    trainImages: 2_000,
    sampling: 'uniform' as PathSampling,
    epochs: 5,
    lr: 0.025,
    calibrationImages: 200,
    validImages: 500,
    isomorphs: 1 as Isomorphs,
  },
} as const;

export interface GenasInput {
  space: 'nb201' | 'darts';
  objective: string;
  sigmas?: readonly number[];
  gamma?: number;
  noise?: NoiseMode;
  noiseSeed?: number;
  /** A trained supernet folder to reuse; otherwise one is trained into `<out>/supernet`. */
  supernet?: string;
  /** Supernet training settings (mode is single-path). */
  training: Omit<SupernetJobInput, 'space' | 'mode' | 'out'>;
  calibrationImages?: number;
  validImages?: number;
  /** Scores averaged over up to this many isomorphic encodings per cell, or all (NB201; default 1: none). */
  isomorphs?: Isomorphs;
  /** Which encodings are drawn from classes larger than `isomorphs` (default 0). */
  isomorphSeed?: number;
  evolution?: Partial<EvolutionSettings>;
  seeds: number;
  seed?: number;
  dataDir?: string;
  threads?: number;
  out: string;
}

export interface GenasRun {
  seed: number;
  arch: string;
  score: number;
  params: number | null;
  true: Truth | null;
  scored: number;
}

export interface GenasResult {
  strategy: 'genas';
  space: string;
  objective: Objective;
  noise: NoiseMode;
  sigmas: readonly number[];
  gamma: number;
  supernet: string;
  /** What the supernet is, as trained (channels and cells null: the space's default). */
  supernet_scale: SupernetScale;
  calibration_images: number;
  valid_images: number;
  /** Encodings each cell's scores were averaged over at most, or 'all' (1: the cell alone). */
  isomorphs: Isomorphs;
  /** The seed of the encodings drawn from classes larger than `isomorphs`. */
  isomorph_seed: number;
  runs: GenasRun[];
  mean: Truth | null;
  std: Truth | null;
  cells_scored: number;
  seconds: number;
}

export interface SupernetScale {
  channels: number | null;
  cells: number | null;
  resolution: number;
  sampling: PathSampling;
  epochs: number;
}

/** The scale a result was measured at, read from the opened supernet (a family: its first member). */
export function supernetScale(opened: OpenedSupernet): SupernetScale {
  const { job } = opened;
  return {
    channels: job.channels ?? null,
    cells: job.cells ?? null,
    resolution: opened.members[0]!.trainer.options.supernet.inputShape[1],
    sampling: job.sampling ?? 'uniform',
    epochs: job.epochs,
  };
}

/** Everything that decides a seed's search over a trained supernet, defaults resolved. */
export interface GenasSettings {
  space: 'nb201' | 'darts';
  objective: Objective;
  sigmas: readonly number[];
  gamma: number;
  noise: NoiseMode;
  noise_seed: number;
  calibration_images: number;
  /** Validation images each candidate is measured on; null = the whole validation half. */
  valid_images: number | null;
  /** A candidate's scores: the means over up to this many of its isomorphic encodings, or all (1: its own). */
  isomorphs: Isomorphs;
  /** The seed of the encodings drawn from classes larger than `isomorphs`. */
  isomorph_seed: number;
  evolution: EvolutionSettings;
}

/** A seed's run and the scores of the cells it looked at (a worker's answer to a `genas-seed` job). */
export interface GenasSeedResult {
  run: GenasRun;
  records: CellRecord[];
}

/**
 * Runs the seeds elsewhere (naskit workers through Redis) against the same trained supernet and returns
 * each seed's result in seed order; `onResult` hears of each as it arrives.
 */
export type GenasSeedRunner = (
  plan: { settings: GenasSettings; fingerprint: string; seeds: readonly number[] },
  onResult: (result: GenasSeedResult) => void,
) => Promise<GenasSeedResult[]>;

/** Why GeNAS seeds cannot go to workers without `--supernet`, and what to do. */
export const GENAS_REMOTE_NEEDS_SUPERNET =
  "GeNAS seeds on workers score with a supernet every worker holds: train it first ('naskit supernet train " +
  "--space S --mode single-path --out <data-dir>/supernets/NAME'), copy that folder into each worker's --data-dir, " +
  'and pass --supernet supernets/NAME (relative to --data-dir)';

export function resolveGenasSettings(input: GenasInput): GenasSettings {
  if (!(OBJECTIVES as readonly string[]).includes(input.objective)) {
    throw new NaskitError(
      'invalid_argument',
      `unknown --objective '${input.objective}'; choose one of ${OBJECTIVES.join(', ')}`,
    );
  }
  const sigmas = input.sigmas ?? DEFAULT_SIGMAS;
  checkSigmas(sigmas);
  const noise = input.noise ?? 'faithful';
  if (noise !== 'faithful' && noise !== 'shared') {
    throw new NaskitError('invalid_argument', `--noise must be faithful or shared, got '${String(noise)}'`);
  }
  const isomorphs = input.isomorphs ?? 1;
  checkIsomorphs(getSpace(input.space), isomorphs);
  const isomorphSeed = input.isomorphSeed ?? 0;
  checkIsomorphSeed(isomorphSeed);
  if (!Number.isInteger(input.seeds) || input.seeds < 1) {
    throw new NaskitError('invalid_argument', `--seeds must be a positive integer, got ${input.seeds}`);
  }
  return {
    space: input.space,
    objective: input.objective as Objective,
    sigmas: [...sigmas],
    gamma: input.gamma ?? 16,
    noise,
    noise_seed: input.noiseSeed ?? 0,
    calibration_images: input.calibrationImages ?? 500,
    valid_images: input.validImages ?? null,
    isomorphs,
    isomorph_seed: isomorphSeed,
    evolution: { ...GENAS_EVOLUTION, ...(input.evolution ?? {}) },
  };
}

/** The scorer of a setting's candidates on an opened supernet; `dir` holds its resumable cache (or null). */
export function genasScorer(
  opened: OpenedSupernet,
  settings: GenasSettings,
  dir: string | null,
  log?: (message: string) => void,
): CellScorer {
  return new CellScorer(
    opened,
    getSpace(settings.space),
    {
      sigmas: settings.sigmas,
      noise: settings.noise,
      noiseSeed: settings.noise_seed,
      calibrationImages: settings.calibration_images,
      ...(settings.valid_images !== null ? { validImages: settings.valid_images } : {}),
    },
    dir,
    log,
  );
}

/** Opens `--supernet` for scoring and checks it is of the search's space. */
export async function openGenasSupernet(
  supernet: string,
  settings: GenasSettings,
  options: { dataDir?: string; threads?: number },
): Promise<OpenedSupernet> {
  const opened = openSupernet(supernet, {
    ...options,
    evalBatch: Math.min(100, settings.calibration_images),
    measureBatch: Math.min(SCORING_MEASURE_BATCH, settings.valid_images ?? Infinity),
  });
  if (opened.job.space !== settings.space) {
    await releaseSupernet(opened);
    throw new NaskitError(
      'invalid_argument',
      `--supernet ${supernet} is a ${opened.job.space} supernet, not ${settings.space}`,
    );
  }
  return opened;
}

/** Digest of the images a supernet is scored with (its training and validation halves). */
export function supernetDataFingerprint(opened: OpenedSupernet): string {
  return dataFingerprint([opened.data.train, opened.data.valid]);
}

/** One seed's evolutionary search with the settings' objective over the scorer's (cached) scores. */
export async function genasSeed(
  scorer: CellScorer,
  settings: GenasSettings,
  truth: TruthTables | null,
  seed: number,
  progress: Progress,
): Promise<GenasSeedResult> {
  const { objective, sigmas, gamma } = settings;
  const space = scorer.space;
  const genome = genomeFor(space);
  const seen = new Map<string, CellRecord>();
  progress.start(`genas seed ${seed}`, settings.evolution.generations);
  const result = await evolve(
    genome,
    async (genes) => {
      const { record, members } = await scoreClass(
        scorer,
        genome.arch(genes),
        settings.isomorphs,
        settings.isomorph_seed,
      );
      for (const m of members) seen.set(m.key, m);
      return objectiveValue(objective, record, sigmas[0]!, gamma);
    },
    settings.evolution,
    new Rng(seed).fork('evolution'),
    (g, best) => progress.update(g + 1, `best ${best.score.toPrecision(5)} · ${scorer.size} cells scored`),
  );
  progress.stop();
  const arch = genome.arch(result.best.genes);
  const t = truth?.of(arch) ?? null;
  const run: GenasRun = {
    seed,
    arch: space.format(arch),
    score: result.best.score,
    params: t ? t.params_m : null,
    true: t?.true ?? null,
    scored: result.scored,
  };
  logRun(run, progress);
  return { run, records: [...seen.values()] };
}

function logRun(run: GenasRun, progress: Progress): void {
  progress.log(
    `seed ${run.seed}: ${run.arch} score ${run.score.toPrecision(5)}${run.true ? ` · true cifar10 ${run.true.cifar10.toFixed(2)}` : ''}`,
  );
}

export async function runGenas(
  input: GenasInput,
  progress: Progress,
  runner?: GenasSeedRunner,
): Promise<GenasResult> {
  const settings = resolveGenasSettings(input);
  const { objective, sigmas, gamma, noise } = settings;
  if (runner && !input.supernet) throw new NaskitError('invalid_argument', GENAS_REMOTE_NEEDS_SUPERNET);
  const out = prepareOutDir(input.out);
  const started = performance.now();
  const threads = input.threads ? { threads: input.threads } : {};
  const dataDir = input.dataDir ? { dataDir: input.dataDir } : {};
  let supernetDir = input.supernet;
  if (!supernetDir) {
    supernetDir = join(out, 'supernet');
    progress.log(`training the single-path supernet into ${supernetDir}`);
    await runSupernetTraining(
      {
        ...input.training,
        ...dataDir,
        ...threads,
        space: input.space,
        mode: 'single-path',
        out: supernetDir,
      },
      progress,
    );
  }
  const opened = await openGenasSupernet(supernetDir, settings, { ...dataDir, ...threads });
  let held: CellScorer | null = null;
  try {
    const scorer = genasScorer(opened, settings, out, (m) => progress.log(m));
    held = scorer;
    const base = input.seed ?? 0;
    const seeds = Array.from({ length: input.seeds }, (_, i) => base + i);
    let runs: GenasRun[];
    if (runner) {
      const adopt = (r: GenasSeedResult) => {
        for (const record of r.records) scorer.adopt(record);
        logRun(r.run, progress);
      };
      const fingerprint = supernetDataFingerprint(opened);
      runs = (await runner({ settings, fingerprint, seeds }, adopt)).map((r) => r.run);
    } else {
      const truth = await openTruth(getSpace(settings.space), input.dataDir);
      runs = [];
      for (const seed of seeds) runs.push((await genasSeed(scorer, settings, truth, seed, progress)).run);
    }
    const result: GenasResult = {
      strategy: 'genas',
      space: input.space,
      objective,
      noise,
      sigmas,
      gamma,
      supernet: opened.checkpoint,
      supernet_scale: supernetScale(opened),
      calibration_images: scorer.calibrationImages,
      valid_images: scorer.validImages,
      isomorphs: settings.isomorphs,
      isomorph_seed: settings.isomorph_seed,
      runs,
      ...truthStats(runs),
      cells_scored: scorer.size,
      seconds: (performance.now() - started) / 1000,
    };
    writeFileAtomic(
      join(out, `genas-${objective}.json`),
      Buffer.from(`${JSON.stringify(result, null, 2)}\n`),
    );
    // The report ranks cells as the search did: by class means when it averaged isomorphs.
    const ranked = new Map<string, CellRecord>();
    for (const r of scorer.records()) {
      const record = knownClass(
        scorer,
        scorer.space.parse(r.arch),
        settings.isomorphs,
        settings.isomorph_seed,
      );
      // Isomorphic cells share one class mean: the report lists it once.
      const id = record?.isomorphs?.averaged.join() ?? r.key;
      if (record && !ranked.has(id)) ranked.set(id, record);
    }
    const top = [...ranked.values()]
      .sort(
        (a, b) =>
          objectiveValue(objective, b, sigmas[0]!, gamma) - objectiveValue(objective, a, sigmas[0]!, gamma),
      )
      .slice(0, 5);
    await writeGenasReport(
      out,
      `naskit GeNAS on ${input.space}: ${objective}`,
      `noise ${noise}, σ ${sigmas.join(', ')}, γ ${gamma}${describeIsomorphs(settings.isomorphs, settings.isomorph_seed)}; ${scorer.size} cells scored; BN on ${scorer.calibrationImages} images, measured on ${scorer.validImages}`,
      top,
      sigmas,
    );
    return result;
  } finally {
    held?.close();
    await releaseSupernet(opened);
  }
}
