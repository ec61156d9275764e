/**
 * The supernet strategies of `naskit search` (GeNAS now; differentiable search joins them): their
 * flags, parsed here and handed to one function in src/experiments/supernet/.
 */
import type { Command } from 'commander';
import { createProgress } from '../experiments/progress.js';
import { GENAS_DEFAULTS, runGenas, type GenasResult } from '../experiments/supernet/genas-job.js';
import { OBJECTIVES } from '../experiments/supernet/scoring.js';
import { NaskitError } from '../util/errors.js';
import { parseList, parseNonNegativeInt, parseNumber, parsePositiveInt } from './parse.js';

export const SUPERNET_STRATEGIES = ['genas'] as const;

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
    .option('--supernet <dir>', "genas: reuse a supernet trained by 'naskit supernet train' (single-path)")
    .option('--epochs <n>', 'supernet training epochs', parsePositiveInt)
    .option('--channels <n>', 'supernet width (first-stage C)', parsePositiveInt)
    .option('--cells <n>', 'supernet depth (nb201: cells per stage; darts: cells)', parsePositiveInt)
    .option('--resolution <px>', 'image side fed to the supernet: 32 or 16', parsePositiveInt)
    .option('--train-images <n>', 'CIFAR-10 training images used (split in halves)', parsePositiveInt)
    .option(
      '--calibration-images <n>',
      'genas: training images for each candidate’s BN statistics',
      parsePositiveInt,
    )
    .option('--valid-images <n>', 'genas: validation images each candidate is measured on', parsePositiveInt)
    .option('--generations <n>', 'genas: evolution generations (20)', parsePositiveInt)
    .option('--population <n>', 'genas: evolution population (50)', parsePositiveInt)
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
  calibrationImages?: number;
  validImages?: number;
  generations?: number;
  population?: number;
  threads?: number;
  out?: string;
}

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
  const defaults = GENAS_DEFAULTS[space];
  const progress = createProgress(flags.quiet || flags.json ? 'quiet' : 'auto');
  const result = await runGenas(
    {
      space,
      objective: flags.objective,
      ...(flags.sigmas ? { sigmas: flags.sigmas } : {}),
      ...(flags.gamma !== undefined ? { gamma: flags.gamma } : {}),
      ...(flags.noise ? { noise: flags.noise as 'faithful' } : {}),
      ...(flags.supernet ? { supernet: flags.supernet } : {}),
      training: {
        dataset: flags.dataset,
        channels: flags.channels ?? defaults.channels,
        cells: flags.cells ?? defaults.cells,
        resolution: (flags.resolution ?? defaults.resolution) as 16,
        trainImages: flags.trainImages ?? defaults.trainImages,
        epochs: flags.epochs ?? defaults.epochs,
      },
      calibrationImages: flags.calibrationImages ?? defaults.calibrationImages,
      ...(flags.validImages ? { validImages: flags.validImages } : {}),
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
  );
  return flags.json ? `${JSON.stringify(result)}\n` : formatGenas(result);
}

function formatGenas(r: GenasResult): string {
  const lines = [
    `GeNAS on ${r.space}, objective ${r.objective} (noise ${r.noise}, σ ${r.sigmas.join('/')}, γ ${r.gamma}); supernet ${r.supernet}`,
    `BN on ${r.calibration_images} training images per candidate, measured on ${r.valid_images} validation images; ${r.cells_scored} cells scored in all, ${r.seconds.toFixed(0)} s`,
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
