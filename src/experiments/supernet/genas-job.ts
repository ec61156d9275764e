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
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { openSupernet } from './eval-job.js';
import { CellScorer, objectiveValue, OBJECTIVES, type Objective } from './scoring.js';
import { prepareOutDir, runSupernetTraining, type SupernetJobInput } from './train-job.js';
import { openTruth, truthStats, type Truth } from './truth.js';
import { writeGenasReport } from './report.js';

/**
 * Default scale per space: what the README experiment used on NB201 (so `naskit search --strategy
 * genas` reproduces its rows), a small end-to-end scale on DARTS.
 */
export const GENAS_DEFAULTS = {
  nb201: {
    channels: 8,
    cells: 1,
    resolution: 16,
    trainImages: 10_000,
    epochs: 200,
    lr: 0.1,
    calibrationImages: 500,
    validImages: 1_000,
  },
  darts: {
    channels: 8,
    cells: 5,
    resolution: 16,
    trainImages: 2_000,
    epochs: 5,
    lr: 0.025,
    calibrationImages: 200,
    validImages: 500,
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
  calibration_images: number;
  valid_images: number;
  runs: GenasRun[];
  mean: Truth | null;
  std: Truth | null;
  cells_scored: number;
  seconds: number;
}

export async function runGenas(input: GenasInput, progress: Progress): Promise<GenasResult> {
  if (!(OBJECTIVES as readonly string[]).includes(input.objective)) {
    throw new NaskitError(
      'invalid_argument',
      `unknown --objective '${input.objective}'; choose one of ${OBJECTIVES.join(', ')}`,
    );
  }
  const objective = input.objective as Objective;
  const sigmas = input.sigmas ?? DEFAULT_SIGMAS;
  checkSigmas(sigmas);
  const gamma = input.gamma ?? 16;
  const noise = input.noise ?? 'faithful';
  if (noise !== 'faithful' && noise !== 'shared') {
    throw new NaskitError('invalid_argument', `--noise must be faithful or shared, got '${String(noise)}'`);
  }
  if (!Number.isInteger(input.seeds) || input.seeds < 1) {
    throw new NaskitError('invalid_argument', `--seeds must be a positive integer, got ${input.seeds}`);
  }
  const out = prepareOutDir(input.out);
  const started = performance.now();
  const space = getSpace(input.space);
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
  const calibrationImages = input.calibrationImages ?? 500;
  const opened = openSupernet(supernetDir, {
    ...dataDir,
    ...threads,
    evalBatch: Math.min(100, calibrationImages),
  });
  if (opened.job.space !== input.space) {
    await opened.trainer.release();
    throw new NaskitError(
      'invalid_argument',
      `--supernet ${supernetDir} is a ${opened.job.space} supernet, not ${input.space}`,
    );
  }
  try {
    const scorer = new CellScorer(
      opened,
      space,
      {
        sigmas,
        noise,
        noiseSeed: input.noiseSeed ?? 0,
        calibrationImages,
        ...(input.validImages ? { validImages: input.validImages } : {}),
      },
      out,
    );
    const truth = await openTruth(space, input.dataDir);
    const genome = genomeFor(space);
    const settings = { ...GENAS_EVOLUTION, ...(input.evolution ?? {}) };
    const runs: GenasRun[] = [];
    const base = input.seed ?? 0;
    for (let s = base; s < base + input.seeds; s++) {
      progress.start(`genas seed ${s}`, settings.generations);
      const result = await evolve(
        genome,
        async (genes) => objectiveValue(objective, await scorer.score(genome.arch(genes)), sigmas[0]!, gamma),
        settings,
        new Rng(s).fork('evolution'),
        (g, best) =>
          progress.update(g + 1, `best ${best.score.toPrecision(5)} · ${scorer.size} cells scored`),
      );
      progress.stop();
      const arch = genome.arch(result.best.genes);
      const t = truth?.of(arch) ?? null;
      runs.push({
        seed: s,
        arch: space.format(arch),
        score: result.best.score,
        params: t ? t.params_m : null,
        true: t?.true ?? null,
        scored: result.scored,
      });
      progress.log(
        `seed ${s}: ${space.format(arch)} score ${result.best.score.toPrecision(5)}${t ? ` · true cifar10 ${t.true.cifar10.toFixed(2)}` : ''}`,
      );
    }
    const result: GenasResult = {
      strategy: 'genas',
      space: input.space,
      objective,
      noise,
      sigmas,
      gamma,
      supernet: opened.checkpoint,
      calibration_images: scorer.calibrationImages,
      valid_images: scorer.validImages,
      runs,
      ...truthStats(runs),
      cells_scored: scorer.size,
      seconds: (performance.now() - started) / 1000,
    };
    writeFileAtomic(
      join(out, `genas-${objective}.json`),
      Buffer.from(`${JSON.stringify(result, null, 2)}\n`),
    );
    const top = scorer
      .records()
      .sort(
        (a, b) =>
          objectiveValue(objective, b, sigmas[0]!, gamma) - objectiveValue(objective, a, sigmas[0]!, gamma),
      )
      .slice(0, 5);
    await writeGenasReport(
      out,
      `naskit GeNAS on ${input.space}: ${objective}`,
      `noise ${noise}, σ ${sigmas.join(', ')}, γ ${gamma}; ${scorer.size} cells scored; BN on ${scorer.calibrationImages} images, measured on ${scorer.validImages}`,
      top,
      sigmas,
    );
    return result;
  } finally {
    await opened.trainer.release();
  }
}
