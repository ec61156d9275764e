/**
 * `naskit search --strategy darts|darts-global`: differentiable search on a mixed supernet over real
 * images, per seed:
 * - darts: one DARTS run (first or second order) from DARTS' α initialization; with `bestOf` N > 1,
 *   N independent runs and the one with the lowest J kept (the equal-compute control);
 * - darts-global: less-local DARTS (src/search/supernet/global.ts): diverse starts, successive halving
 *   by J, optional basin hopping; or, as its control, plain random restarts of the same starts.
 * J is the relaxed supernet's mean cross-entropy on a fixed set of validation images (eval mode); the
 * derived cell's true NB201 accuracy is read from the table for reporting only. Every start keeps its
 * own epoch checkpoint and the scheme's decisions are stored, so a killed search resumes where it was.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { subset, type ImageDataset } from '../../data/dataset.js';
import { writeFileAtomic } from '../../runtime/checkpoint.js';
import { countTrainableParams } from '../../nn/param-count.js';
import {
  DEFAULT_HALVING,
  GLOBAL_SCHEMES,
  globalScheme,
  type GlobalSchemeName,
  type HalvingSettings,
  type Start,
} from '../../search/supernet/global.js';
import { getSpace } from '../../spaces/index.js';
import type { AnySpace } from '../../spaces/space.js';
import { supernetPrograms, type SupernetPrograms } from '../../train/supernet/programs.js';
import {
  DEFAULT_HYPER,
  type EpochRecord,
  SupernetTrainer,
  type SupernetHyper,
} from '../../train/supernet/trainer.js';
import { pairedStandardError, standardError } from '../../stats/noise.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import type { Progress } from '../progress.js';
import { dataFingerprint } from '../run/layout.js';
import { loadSearchData, type SearchData } from './data.js';
import { formatEpoch, prepareOutDir } from './train-job.js';
import { openTruth, truthStats, type Truth, type TruthTables } from './truth.js';
import { writeDartsReport } from './report.js';

/** Default scale per space: the README experiment's on NB201, a small end-to-end scale on DARTS. */
export const DARTS_DEFAULTS = {
  nb201: { channels: 8, cells: 1, resolution: 16, trainImages: 10_000, epochs: 30, alphaLr: 3e-2, batch: 64 },
  darts: { channels: 8, cells: 5, resolution: 16, trainImages: 2_000, epochs: 4, alphaLr: 3e-4, batch: 32 },
} as const;

/** Ops without parameters, by space (a cell made of them is the "collapse"). */
const PARAMETER_FREE: Record<string, ReadonlySet<string>> = {
  nb201: new Set(['none', 'skip_connect', 'avg_pool_3x3']),
  darts: new Set(['none', 'skip_connect', 'max_pool_3x3', 'avg_pool_3x3']),
};

export interface DartsSearchInput {
  space: 'nb201' | 'darts';
  strategy: 'darts' | 'darts-global';
  order?: 1 | 2;
  /** darts: independent runs per seed, the lowest J kept (1 = vanilla DARTS). */
  bestOf?: number;
  halving?: Partial<HalvingSettings>;
  /** darts-global: successive halving (default) or random restarts. */
  scheme?: GlobalSchemeName;
  dataset?: string;
  trainImages?: number;
  resolution?: number;
  channels?: number;
  cells?: number;
  epochs?: number;
  batch?: number;
  alphaLr?: number;
  /** Peak SGD learning rate of the weights (DARTS' 0.025 by default). */
  lr?: number;
  /** Validation images J is measured on (default: the whole validation half). */
  jImages?: number;
  seeds: number;
  seed?: number;
  dataDir?: string;
  threads?: number;
  out: string;
}

export interface CurvePoint {
  epoch: number;
  derived: string;
  param_free: number;
  decisiveness: number;
  train_loss: number;
  valid_loss: number | null;
  true: Truth | null;
}

export interface DartsRun {
  seed: number;
  arch: string;
  J: number;
  /** Standard error of J over its images. */
  J_se: number;
  params: number | null;
  param_free: number;
  decisiveness: number;
  true: Truth | null;
  compute: number;
  start: number;
  alpha_scale: number;
  trace: string[];
  curve: CurvePoint[];
  alpha: Record<string, number[][]>[];
}

export interface DartsResult {
  strategy: string;
  space: string;
  order: 1 | 2;
  best_of: number;
  scheme: string | null;
  scale: Record<string, number | string>;
  J_images: number;
  runs: DartsRun[];
  mean: Truth | null;
  std: Truth | null;
  /** Supernet-epochs per seed (mean). */
  compute: number;
  seconds: number;
}

/** The size of a search: images, network, schedule (every default resolved). */
export interface DartsScale {
  dataset: string;
  trainImages: number;
  resolution: number;
  channels: number;
  cells: number;
  epochs: number;
  batch: number;
  alphaLr: number;
  lr: number;
}

/**
 * Everything that decides a seed's search, defaults resolved: what an in-process seed and a
 * `darts-seed` job on a worker both run from, so the two give the same answer.
 */
export interface DartsSettings {
  space: 'nb201' | 'darts';
  strategy: 'darts' | 'darts-global';
  order: 1 | 2;
  best_of: number;
  scheme: GlobalSchemeName;
  halving: HalvingSettings;
  scale: DartsScale;
  /** Validation images J is measured on; null = the whole validation half. */
  j_images: number | null;
}

/** Checks the input and resolves every default; no data is read. */
export function resolveDartsSettings(input: DartsSearchInput): DartsSettings {
  const defaults = DARTS_DEFAULTS[input.space];
  if (!defaults)
    throw new NaskitError(
      'invalid_argument',
      `--strategy ${input.strategy} runs on --space nb201 or darts, not '${input.space}'`,
    );
  const order = input.order ?? 1;
  if (order !== 1 && order !== 2)
    throw new NaskitError('invalid_argument', `--order must be 1 or 2, got ${String(order)}`);
  const bestOf = input.strategy === 'darts' ? (input.bestOf ?? 1) : 1;
  if (!Number.isInteger(bestOf) || bestOf < 1)
    throw new NaskitError('invalid_argument', `--best-of must be a positive integer, got ${bestOf}`);
  if (!Number.isInteger(input.seeds) || input.seeds < 1)
    throw new NaskitError('invalid_argument', `--seeds must be a positive integer, got ${input.seeds}`);
  const halving: HalvingSettings = { ...DEFAULT_HALVING, ...(input.halving ?? {}) };
  const scheme = input.scheme ?? 'halving';
  if (!(GLOBAL_SCHEMES as readonly string[]).includes(scheme))
    throw new NaskitError(
      'invalid_argument',
      `--scheme must be one of ${GLOBAL_SCHEMES.join(', ')}, got '${String(scheme)}'`,
    );
  if (input.scheme !== undefined && input.strategy !== 'darts-global')
    throw new NaskitError('invalid_argument', '--scheme applies to --strategy darts-global only');
  if (scheme === 'restarts' && halving.hops > 0)
    throw new NaskitError(
      'invalid_argument',
      '--hops applies to --scheme halving; random restarts train every start to the end and hop none',
    );
  return {
    space: input.space,
    strategy: input.strategy,
    order,
    best_of: bestOf,
    scheme,
    halving,
    scale: {
      dataset: input.dataset ?? 'cifar10',
      trainImages: input.trainImages ?? defaults.trainImages,
      resolution: input.resolution ?? defaults.resolution,
      channels: input.channels ?? defaults.channels,
      cells: input.cells ?? defaults.cells,
      epochs: input.epochs ?? defaults.epochs,
      batch: input.batch ?? defaults.batch,
      alphaLr: input.alphaLr ?? defaults.alphaLr,
      lr: input.lr ?? DEFAULT_HYPER.lr,
    },
    j_images: input.jImages ?? null,
  };
}

/** What the seeds of a search share: the images, J's images, the supernet's shape and the truth tables. */
export interface DartsSetup {
  settings: DartsSettings;
  space: AnySpace;
  data: SearchData;
  /** Digest of the search's images (train and validation halves): a worker with other images refuses. */
  fingerprint: string;
  jImages: ImageDataset;
  hyper: SupernetHyper;
  supernetConfig: {
    classes: number;
    inputShape: readonly [number, number, number];
    channels: number;
    cells: number;
  };
  truth: TruthTables | null;
  threads?: number;
}

/** Loads the search's images and the truth tables (the programs are compiled by the seeds that train). */
export async function openDartsSetup(
  settings: DartsSettings,
  options: { dataDir?: string; threads?: number } = {},
): Promise<DartsSetup> {
  const space = getSpace(settings.space);
  const { scale } = settings;
  const data = loadSearchData({
    dataset: scale.dataset,
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    trainImages: scale.trainImages,
    resolution: scale.resolution,
    seed: 0,
  });
  const jN = Math.min(settings.j_images ?? data.valid.n, data.valid.n);
  const jImages =
    jN === data.valid.n
      ? data.valid
      : subset(
          data.valid,
          Array.from({ length: jN }, (_, i) => i),
        );
  return {
    settings,
    space,
    data,
    fingerprint: dataFingerprint([data.train, data.valid]),
    jImages,
    hyper: {
      ...DEFAULT_HYPER,
      epochs: scale.epochs,
      batchSize: scale.batch,
      alphaLr: scale.alphaLr,
      lr: scale.lr,
    },
    supernetConfig: {
      classes: data.classes,
      inputShape: [data.channels, data.resolution, data.resolution] as const,
      channels: scale.channels,
      cells: scale.cells,
    },
    truth: await openTruth(space, options.dataDir),
    ...(options.threads ? { threads: options.threads } : {}),
  };
}

/** The mixed supernet's training programs, shared by every start and seed of a setup. */
export function dartsPrograms(setup: DartsSetup): SupernetPrograms {
  return supernetPrograms(setup.space.supernet!({ ...setup.supernetConfig, mode: 'mixed' }), {
    batch: setup.settings.scale.batch,
    evalBatch: Math.min(250, setup.jImages.n),
    ...(setup.threads ? { threads: setup.threads } : {}),
  });
}

/**
 * One seed's search, checkpointed under `dir` (a start per folder, the scheme's decisions in
 * decisions.json) so that the same call after a kill resumes where it was.
 */
export async function dartsSeed(
  setup: DartsSetup,
  programs: SupernetPrograms,
  seed: number,
  dir: string,
  progress: Progress,
): Promise<DartsRun> {
  const { settings, space, data, jImages, hyper, supernetConfig, truth } = setup;
  const { scale } = settings;
  const memoPath = join(dir, 'decisions.json');
  const memo = new Map<string, number>(
    existsSync(memoPath)
      ? (Object.entries(JSON.parse(readFileSync(memoPath, 'utf8'))) as [string, number][])
      : [],
  );
  const makeStart = async (
    index: number,
    alphaScale: number,
  ): Promise<Start & { trainer: SupernetTrainer }> => {
    const trainer = new SupernetTrainer({
      space,
      supernet: supernetConfig,
      mode: 'mixed',
      hyper,
      data,
      seed: seed * 1000 + index,
      order: settings.order,
      alphaScale,
      programs,
      checkpointDir: join(dir, `start-${index}`),
      identity: {
        strategy: settings.strategy,
        trainImages: scale.trainImages,
        resolution: scale.resolution,
        dataset: scale.dataset,
      },
      ...(setup.threads ? { threads: setup.threads } : {}),
      onStep: (s) => progress.update(s.step, `loss ${s.loss.toFixed(3)}`),
      onEpoch: (r) => {
        progress.stop();
        progress.log(`seed ${seed} start ${index}: ${formatEpoch(r, scale.epochs)}`);
      },
    });
    if (trainer.resume()) progress.log(`seed ${seed} start ${index}: resumed at epoch ${trainer.epoch}`);
    let lastLosses: Float64Array | undefined;
    return {
      trainer,
      index,
      alphaScale,
      epoch: () => trainer.epoch,
      trainTo: async (end) => {
        if (trainer.epoch < end)
          progress.start(`seed ${seed} start ${index} epoch ${trainer.epoch + 1}`, trainer.stepsPerEpoch);
        await trainer.trainTo(end);
      },
      objective: async () => {
        const v = await trainer.validationLoss(jImages);
        lastLosses = v.losses;
        return v.loss;
      },
      objectiveLosses: () => lastLosses,
      save: () => trainer.snapshot(),
      restore: (s) => trainer.restore(s as ReturnType<SupernetTrainer['snapshot']>),
      perturb: (std, rng) => trainer.perturbAlpha(std, rng),
      checkpoint: () => trainer.checkpoint(),
    };
  };
  let chosen: Start & { trainer: SupernetTrainer };
  let J: number;
  let compute: number;
  let trace: string[] = [];
  if (settings.strategy === 'darts-global') {
    const starts = new Map<number, Start & { trainer: SupernetTrainer }>();
    const result = await globalScheme(settings.scheme, settings.halving).run({
      start: async (index, alphaScale) => {
        const s = await makeStart(index, alphaScale);
        starts.set(index, s);
        return s;
      },
      epochs: scale.epochs,
      rng: new Rng(seed).fork('global'),
      memo,
      saveMemo: () => writeFileAtomic(memoPath, Buffer.from(JSON.stringify(Object.fromEntries(memo)))),
      log: (m) => progress.log(`seed ${seed}: ${m}`),
    });
    chosen = starts.get(result.best.index)!;
    J = result.J;
    compute = result.compute;
    trace = result.trace;
  } else {
    const candidates: { start: Start & { trainer: SupernetTrainer }; J: number }[] = [];
    for (let k = 0; k < settings.best_of; k++) {
      const s = await makeStart(k, DEFAULT_HALVING.alphaScales[0]!);
      await s.trainTo(scale.epochs);
      candidates.push({ start: s, J: await s.objective() });
    }
    candidates.sort((a, b) => a.J - b.J || a.start.index - b.start.index);
    if (settings.best_of > 1) {
      const first = candidates[0]!.start.objectiveLosses!()!;
      trace = candidates.map((c, i) => {
        const gap =
          i === 0
            ? ''
            : ` (gap ${(c.J - candidates[0]!.J).toFixed(4)} ± ${pairedStandardError(c.start.objectiveLosses!()!, first).toFixed(4)} paired SE)`;
        return `start ${c.start.index}: J ${c.J.toFixed(4)}${gap}`;
      });
    }
    chosen = candidates[0]!.start;
    J = candidates[0]!.J;
    compute = settings.best_of * scale.epochs;
  }
  const trainer = chosen.trainer;
  const arch = trainer.derive();
  const t = truth?.of(arch) ?? null;
  const run: DartsRun = {
    seed,
    arch: space.format(arch),
    J,
    // Measured again: after a rejected hop the last measurement is not of the kept state.
    J_se: standardError((await trainer.validationLoss(jImages)).losses),
    params: t ? t.params_m : evaluationParams(space, arch),
    param_free: parameterFreeFraction(space, arch),
    decisiveness: decisiveness(trainer.alphaSoftmax()),
    true: t?.true ?? null,
    compute,
    start: chosen.index,
    alpha_scale: chosen.alphaScale,
    trace,
    curve: trainer.records.map((r) => curvePoint(space, r, truth)),
    alpha: trainer.records.map((r) => r.alpha ?? {}),
  };
  logRun(run, progress);
  return run;
}

function logRun(run: DartsRun, progress: Progress): void {
  progress.log(
    `seed ${run.seed}: ${run.arch} J ${run.J.toFixed(4)}, parameter-free ${(100 * run.param_free).toFixed(0)}%, decisiveness ${run.decisiveness.toFixed(3)}` +
      (run.true ? `, true cifar10 ${run.true.cifar10.toFixed(2)}` : ''),
  );
}

/**
 * Runs the seeds of a search elsewhere (naskit workers through Redis) and returns their runs in seed
 * order, each as `dartsSeed` gives it; `onRun` hears of each as it arrives.
 */
export type DartsSeedRunner = (
  plan: { settings: DartsSettings; fingerprint: string; seeds: readonly number[] },
  onRun: (run: DartsRun) => void,
) => Promise<DartsRun[]>;

export async function runDartsSearch(
  input: DartsSearchInput,
  progress: Progress,
  runner?: DartsSeedRunner,
): Promise<DartsResult> {
  const settings = resolveDartsSettings(input);
  const out = prepareOutDir(input.out);
  const started = performance.now();
  const setup = await openDartsSetup(settings, {
    ...(input.dataDir ? { dataDir: input.dataDir } : {}),
    ...(input.threads ? { threads: input.threads } : {}),
  });
  const base = input.seed ?? 0;
  const seeds = Array.from({ length: input.seeds }, (_, i) => base + i);
  const keep = (run: DartsRun) => {
    const dir = join(out, `seed-${run.seed}`);
    mkdirSync(dir, { recursive: true });
    writeFileAtomic(join(dir, 'result.json'), Buffer.from(`${JSON.stringify(run, null, 2)}\n`));
  };
  let runs: DartsRun[];
  if (runner) {
    runs = await runner({ settings, fingerprint: setup.fingerprint, seeds }, (run) => {
      keep(run);
      logRun(run, progress);
    });
  } else {
    runs = [];
    const programs = dartsPrograms(setup);
    try {
      for (const seed of seeds) {
        const run = await dartsSeed(setup, programs, seed, join(out, `seed-${seed}`), progress);
        keep(run);
        runs.push(run);
      }
    } finally {
      await programs.release();
    }
  }
  const { scale, order, best_of: bestOf, scheme } = settings;
  const result: DartsResult = {
    strategy: settings.strategy,
    space: settings.space,
    order,
    best_of: bestOf,
    scheme: settings.strategy === 'darts-global' ? globalScheme(scheme, settings.halving).name : null,
    scale: { ...scale },
    J_images: setup.jImages.n,
    runs,
    ...truthStats(runs),
    compute: runs.reduce((s, r) => s + r.compute, 0) / runs.length,
    seconds: (performance.now() - started) / 1000,
  };
  writeFileAtomic(
    join(
      out,
      `${settings.strategy}${scheme === 'restarts' ? '-restarts' : ''}${order === 2 ? '-2nd' : ''}${bestOf > 1 ? `-best-of-${bestOf}` : ''}.json`,
    ),
    Buffer.from(`${JSON.stringify(result, null, 2)}\n`),
  );
  await writeDartsReport(out, result, setup.space.supernet!({ ...setup.supernetConfig, mode: 'mixed' }).ops);
  return result;
}

function curvePoint(space: AnySpace, r: EpochRecord, truth: TruthTables | null): CurvePoint {
  const arch = space.parse(r.derived!);
  return {
    epoch: r.epoch,
    derived: r.derived!,
    param_free: parameterFreeFraction(space, arch),
    decisiveness: decisiveness(r.alpha ?? {}),
    train_loss: r.train_loss,
    valid_loss: r.valid_loss ?? null,
    true: truth?.of(arch)?.true ?? null,
  };
}

/** Fraction of the cell's chosen ops that have no parameters (none / skip / pooling). */
export function parameterFreeFraction(space: AnySpace, arch: unknown): number {
  const free = PARAMETER_FREE[space.name] ?? new Set<string>();
  const supernet = space.supernet!({ classes: 10, inputShape: [3, 32, 32], mode: 'single-path' });
  const ops = supernet
    .pathOf(arch)
    .filter((k) => k >= 0)
    .map((k) => supernet.ops[k]!);
  return ops.length === 0 ? 0 : ops.filter((o) => free.has(o)).length / ops.length;
}

/** Mean over edges of the largest softmax(α) entry (1/ops = undecided, 1 = one-hot). */
export function decisiveness(alpha: Record<string, number[][]>): number {
  const rows = Object.values(alpha).flat();
  return rows.length === 0 ? 0 : rows.reduce((s, r) => s + Math.max(...r), 0) / rows.length;
}

/** Millions of parameters of the space's evaluation network of `arch` (CIFAR-10, the space's default size). */
function evaluationParams(space: AnySpace, arch: unknown): number | null {
  if (!space.build) return null;
  return countTrainableParams(space.build(arch, { classes: 10, inputShape: [3, 32, 32] })) / 1e6;
}
