/**
 * The supernet strategies of `naskit search` (GeNAS now; differentiable search joins them): their
 * flags, parsed here and handed to one function in src/experiments/supernet/.
 */
import type { Command } from 'commander';
import { createProgress } from '../experiments/progress.js';
import {
  GENAS_DEFAULTS,
  GENAS_REMOTE_NEEDS_SUPERNET,
  runGenas,
  type GenasResult,
  type GenasSeedRunner,
  type SupernetScale,
} from '../experiments/supernet/genas-job.js';
import {
  describeIsomorphs,
  OBJECTIVES,
  parseIsomorphs,
  type Isomorphs,
} from '../experiments/supernet/scoring.js';
import { runDartsSearch, type DartsResult } from '../experiments/supernet/darts-job.js';
import { GLOBAL_SCHEMES, type GlobalSchemeName } from '../search/supernet/global.js';
import { resolveDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import { parseList, parseNonNegativeInt, parseNumber, parsePositiveInt } from './parse.js';

export const SUPERNET_STRATEGIES = ['genas', 'darts', 'darts-global'] as const;

export function isSupernetStrategy(name: string): boolean {
  return (SUPERNET_STRATEGIES as readonly string[]).includes(name.toLowerCase());
}

/** Options only the supernet strategies read (the rest of `search` is shared). */
export function addSupernetOptions(command: Command): Command {
  return command
    .option('--objective <name>', `genas: ${OBJECTIVES.join(' | ')}`, 'flatness')
    .option('--sigmas <list>', 'genas: noise levels σ1 < σ2 < … (cumulative, as GeNAS)', (v) =>
      parseList(v).map(Number),
    )
    .option('--gamma <x>', 'genas: weight γ of (1/σ1)·flatness in combined objectives', parseNumber)
    .option(
      '--noise <mode>',
      "genas: 'faithful' (each candidate its own draw) or 'shared' (one draw for all)",
    )
    .option(
      '--supernet <dir>',
      "genas: reuse a supernet trained by 'naskit supernet train' (single-path), or a few-shot family's folders separated by commas",
    )
    .option('--epochs <n>', 'supernet training epochs', parsePositiveInt)
    .option('--channels <n>', 'supernet width (first-stage C)', parsePositiveInt)
    .option('--cells <n>', 'supernet depth (nb201: cells per stage; darts: cells)', parsePositiveInt)
    .option('--resolution <px>', 'image side fed to the supernet: 32 or 16', parsePositiveInt)
    .option('--train-images <n>', 'CIFAR-10 training images used (split in halves)', parsePositiveInt)
    .option(
      '--sampling <kind>',
      `genas: supernet paths per step: uniform (SPOS: one path) or fair (FairNAS: every op once per edge; nb201) (nb201: ${GENAS_DEFAULTS.nb201.sampling}; darts: uniform)`,
    )
    .option(
      '--calibration-images <n>',
      'genas: training images for each candidate’s BN statistics',
      parsePositiveInt,
    )
    .option('--valid-images <n>', 'genas: validation images each candidate is measured on', parsePositiveInt)
    .option(
      '--isomorphs <k>',
      `genas: a candidate's scores are the means over up to K encodings of its isomorphism class (same function; nb201), or over all of it (nb201: ${GENAS_DEFAULTS.nb201.isomorphs})`,
      parseIsomorphs,
    )
    .option(
      '--isomorph-seed <n>',
      'genas: which K encodings are drawn from a class larger than --isomorphs K (0)',
      parseNonNegativeInt,
    )
    .option('--generations <n>', 'genas: evolution generations (20)', parsePositiveInt)
    .option('--population <n>', 'genas: evolution population (50)', parsePositiveInt)
    .option('--order <n>', 'darts: first (1) or second (2) order α gradient', parsePositiveInt)
    .option(
      '--best-of <n>',
      'darts: independent runs per seed, the lowest supernet validation loss J kept',
      parsePositiveInt,
    )
    .option(
      '--scheme <name>',
      `darts-global: ${GLOBAL_SCHEMES.join(' | ')} (successive halving by J, or every start to the end and the lowest J kept)`,
    )
    .option('--starts <k>', 'darts-global: starts (α scales 1e-3, 0.5, 1, 2 cycled)', parsePositiveInt)
    .option(
      '--hops <n>',
      'darts-global: basin-hopping attempts on the survivor (0 = halving only)',
      parseNonNegativeInt,
    )
    .option(
      '--lr <x>',
      'supernet weights: peak SGD learning rate (genas on nb201: 0.1; otherwise 0.025)',
      parseNumber,
    )
    .option('--alpha-lr <x>', 'darts: Adam learning rate of α', parseNumber)
    .option('--batch <n>', 'supernet batch size', parsePositiveInt)
    .option('--j-images <n>', 'darts: validation images the supernet loss J is measured on', parsePositiveInt)
    .option('--threads <n>', 'ONNX Runtime threads (default: core count)', parsePositiveInt)
    .option(
      '--out <dir>',
      'supernet search: output folder (resumable; default runs/<strategy>-<space>-<dataset>)',
    )
    .option('--quiet', 'supernet search: no progress output');
}

export interface SupernetSearchFlags {
  space: string;
  dataset: string;
  strategy: string;
  seeds: string;
  seed: string;
  dataDir?: string;
  json?: boolean;
  quiet?: boolean;
  objective: string;
  sigmas?: number[];
  gamma?: number;
  noise?: string;
  supernet?: string;
  epochs?: number;
  channels?: number;
  cells?: number;
  resolution?: number;
  trainImages?: number;
  sampling?: string;
  calibrationImages?: number;
  validImages?: number;
  isomorphs?: Isomorphs;
  isomorphSeed?: number;
  generations?: number;
  population?: number;
  threads?: number;
  out?: string;
  order?: number;
  bestOf?: number;
  scheme?: string;
  starts?: number;
  hops?: number;
  alphaLr?: number;
  lr?: number;
  batch?: number;
  jImages?: number;
  redis?: string;
}

const stderrLog = (m: string): void => void process.stderr.write(`naskit: ${m}\n`);

export async function supernetSearchCommand(flags: SupernetSearchFlags): Promise<string> {
  const space = flags.space;
  if (space !== 'nb201' && space !== 'darts') {
    throw new NaskitError(
      'invalid_argument',
      `--strategy ${flags.strategy} runs on --space nb201 or darts, not '${space}'`,
    );
  }
  const seeds = parsePositiveInt(flags.seeds);
  const seed = parseNonNegativeInt(flags.seed);
  const strategy = flags.strategy.toLowerCase();
  if (strategy === 'darts' || strategy === 'darts-global') {
    if (flags.sampling !== undefined) {
      throw new NaskitError(
        'invalid_argument',
        `--sampling chooses how GeNAS' single-path supernet is trained; --strategy ${strategy} trains a mixed supernet (drop --sampling)`,
      );
    }
    if (flags.isomorphs !== undefined || flags.isomorphSeed !== undefined) {
      const flag = flags.isomorphs !== undefined ? '--isomorphs' : '--isomorph-seed';
      throw new NaskitError(
        'invalid_argument',
        `${flag} averages GeNAS' scores of a candidate; --strategy ${strategy} derives its cell from α (drop ${flag})`,
      );
    }
    const progress = createProgress(flags.quiet || flags.json ? 'quiet' : 'auto');
    const runner =
      flags.redis === undefined
        ? undefined
        : (await import('../distributed/supernet.js')).queueDartsRunner({
            redis: flags.redis,
            log: stderrLog,
          });
    const result = await runDartsSearch(
      {
        space,
        strategy,
        ...(flags.order ? { order: flags.order as 1 | 2 } : {}),
        ...(flags.bestOf ? { bestOf: flags.bestOf } : {}),
        ...(flags.scheme ? { scheme: flags.scheme as GlobalSchemeName } : {}),
        halving: {
          ...(flags.starts ? { starts: flags.starts } : {}),
          ...(flags.hops !== undefined ? { hops: flags.hops } : {}),
        },
        dataset: flags.dataset,
        ...(flags.trainImages ? { trainImages: flags.trainImages } : {}),
        ...(flags.resolution ? { resolution: flags.resolution } : {}),
        ...(flags.channels ? { channels: flags.channels } : {}),
        ...(flags.cells ? { cells: flags.cells } : {}),
        ...(flags.epochs ? { epochs: flags.epochs } : {}),
        ...(flags.batch ? { batch: flags.batch } : {}),
        ...(flags.alphaLr ? { alphaLr: flags.alphaLr } : {}),
        ...(flags.lr ? { lr: flags.lr } : {}),
        ...(flags.jImages ? { jImages: flags.jImages } : {}),
        seeds,
        seed,
        ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
        ...(flags.threads ? { threads: flags.threads } : {}),
        out: flags.out ?? `runs/${strategy}-${space}-${flags.dataset}`,
      },
      progress,
      runner,
    );
    return flags.json ? `${JSON.stringify(dartsJson(result))}\n` : formatDarts(result);
  }
  const defaults = GENAS_DEFAULTS[space];
  const sampling: string = flags.sampling ?? defaults.sampling;
  if (sampling !== 'uniform' && sampling !== 'fair') {
    throw new NaskitError('invalid_argument', `--sampling must be uniform or fair, got '${sampling}'`);
  }
  const progress = createProgress(flags.quiet || flags.json ? 'quiet' : 'auto');
  let supernet = flags.supernet;
  let genasRunner: GenasSeedRunner | undefined;
  if (flags.redis !== undefined) {
    if (supernet === undefined) throw new NaskitError('invalid_argument', GENAS_REMOTE_NEEDS_SUPERNET);
    if (supernet.includes(',')) {
      throw new NaskitError(
        'invalid_argument',
        '--supernet with --redis names one supernet folder; a few-shot family runs locally (drop --redis)',
      );
    }
    // Workers open their own copy: --supernet names a folder inside the data folder.
    const { queueGenasRunner, supernetRefs } = await import('../distributed/supernet.js');
    const refs = supernetRefs(resolveDataDir(flags.dataDir), supernet);
    supernet = refs.folder;
    genasRunner = queueGenasRunner({ redis: flags.redis, log: stderrLog }, refs);
  }
  const result = await runGenas(
    {
      space,
      objective: flags.objective,
      ...(flags.sigmas ? { sigmas: flags.sigmas } : {}),
      ...(flags.gamma !== undefined ? { gamma: flags.gamma } : {}),
      ...(flags.noise ? { noise: flags.noise as 'faithful' } : {}),
      ...(supernet ? { supernet } : {}),
      training: {
        dataset: flags.dataset,
        channels: flags.channels ?? defaults.channels,
        cells: flags.cells ?? defaults.cells,
        resolution: flags.resolution ?? defaults.resolution,
        trainImages: flags.trainImages ?? defaults.trainImages,
        sampling,
        epochs: flags.epochs ?? defaults.epochs,
        lr: flags.lr ?? defaults.lr,
      },
      calibrationImages: flags.calibrationImages ?? defaults.calibrationImages,
      validImages: flags.validImages ?? defaults.validImages,
      isomorphs: flags.isomorphs ?? defaults.isomorphs,
      ...(flags.isomorphSeed !== undefined ? { isomorphSeed: flags.isomorphSeed } : {}),
      evolution: {
        ...(flags.generations ? { generations: flags.generations } : {}),
        // GeNAS' 25 mutants + 25 crossovers make its population of 50; keep that proportion.
        ...(flags.population
          ? {
              population: flags.population,
              mutations: Math.floor(flags.population / 2),
              crossovers: Math.floor(flags.population / 2),
              topK: Math.max(2, Math.round(flags.population / 5)),
            }
          : {}),
      },
      seeds,
      seed,
      ...(flags.dataDir ? { dataDir: flags.dataDir } : {}),
      ...(flags.threads ? { threads: flags.threads } : {}),
      out: flags.out ?? `runs/genas-${space}-${flags.dataset}`,
    },
    progress,
    genasRunner,
  );
  return flags.json ? `${JSON.stringify(result)}\n` : formatGenas(result);
}

/** The issue's JSON contract: runs with seed, arch, J, params and truth, their mean and std, compute. */
function dartsJson(r: DartsResult): Record<string, unknown> {
  return {
    strategy: r.strategy,
    space: r.space,
    order: r.order,
    best_of: r.best_of,
    scale: r.scale,
    runs: r.runs.map(({ curve: _curve, alpha: _alpha, trace: _trace, ...run }) => run),
    mean: r.mean,
    std: r.std,
    compute: r.compute,
    seconds: r.seconds,
  };
}

function formatDarts(r: DartsResult): string {
  const s = r.scale;
  const lines = [
    `${r.strategy}${r.scheme ? ` (${r.scheme})` : ''} on ${r.space}, order ${r.order}${r.best_of > 1 ? `, best of ${r.best_of} by J` : ''}; ` +
      `C=${s.channels}, cells ${s.cells}, ${s.resolution}×${s.resolution}, ${s.trainImages} images, ${s.epochs} epochs, α lr ${s.alphaLr}; J on ${r.J_images} validation images`,
    ...r.runs.map(
      (run) =>
        `  seed ${run.seed}: ${run.arch}  J ${run.J.toFixed(4)} ± ${run.J_se.toFixed(4)}  parameter-free ${(100 * run.param_free).toFixed(0)}%  decisiveness ${run.decisiveness.toFixed(3)}` +
        (run.true
          ? `  true ${run.true.cifar10.toFixed(2)} / ${run.true.cifar100.toFixed(2)} / ${run.true['ImageNet16-120'].toFixed(2)}`
          : '') +
        `  (${run.compute} supernet-epochs)`,
    ),
  ];
  if (r.mean && r.std) {
    lines.push(
      `  mean ± std (cifar10 / cifar100 / ImageNet16-120): ` +
        (['cifar10', 'cifar100', 'ImageNet16-120'] as const)
          .map((k) => `${r.mean![k].toFixed(2)} ± ${r.std![k].toFixed(2)}`)
          .join(' / '),
    );
  }
  lines.push(`  ${r.seconds.toFixed(0)} s`);
  return `${lines.join('\n')}\n`;
}

function formatScale(s: SupernetScale): string {
  const or = (v: number | null) => (v === null ? "the space's default" : String(v));
  return `C=${or(s.channels)}, cells ${or(s.cells)}, ${s.resolution}×${s.resolution}, ${s.sampling} sampling, ${s.epochs} epochs`;
}

function formatGenas(r: GenasResult): string {
  const lines = [
    `GeNAS on ${r.space}, objective ${r.objective} (noise ${r.noise}, σ ${r.sigmas.join('/')}, γ ${r.gamma}); supernet ${r.supernet}`,
    `supernet: ${formatScale(r.supernet_scale)}`,
    `BN on ${r.calibration_images} training images per candidate, measured on ${r.valid_images} validation images` +
      describeIsomorphs(r.isomorphs, r.isomorph_seed, ' per candidate') +
      `; ${r.cells_scored} cells scored in all, ${r.seconds.toFixed(0)} s`,
    ...r.runs.map(
      (run) =>
        `  seed ${run.seed}: ${run.arch}  score ${run.score.toPrecision(5)}` +
        (run.true
          ? `  true ${run.true.cifar10.toFixed(2)} / ${run.true.cifar100.toFixed(2)} / ${run.true['ImageNet16-120'].toFixed(2)}`
          : ''),
    ),
  ];
  if (r.mean && r.std) {
    lines.push(
      `  mean ± std (cifar10 / cifar100 / ImageNet16-120): ` +
        (['cifar10', 'cifar100', 'ImageNet16-120'] as const)
          .map((k) => `${r.mean![k].toFixed(2)} ± ${r.std![k].toFixed(2)}`)
          .join(' / '),
    );
  }
  return `${lines.join('\n')}\n`;
}
