/**
 * `naskit supernet train|eval|compare`: train a weight-sharing supernet (mixed DARTS-style or single-path
 * SPOS-style) on real images, resumable; score architectures with a trained supernet's weights;
 * compare differentiable searches.
 * Flags map one to one onto the job functions in src/experiments/supernet/.
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createProgress } from '../experiments/progress.js';
import { compareSearches, comparisonTable, writeComparisonPage } from '../experiments/supernet/compare.js';
import { scoreWithSupernet } from '../experiments/supernet/eval-job.js';
import { describeIsomorphs, parseIsomorphs } from '../experiments/supernet/scoring.js';
import { formatEpoch, runSupernetTraining } from '../experiments/supernet/train-job.js';
import { DEFAULT_HYPER } from '../train/supernet/trainer.js';
import { NaskitError } from '../util/errors.js';
import { parseList, parseNonNegativeInt, parseNumber, parsePositiveInt } from './parse.js';

const TRAIN_HELP = `
Output folder (--out): checkpoint.safetensors (weights, α, optimizers, records; written at every
epoch end), init.safetensors (weights at initialization), epochs.jsonl, summary.json. Run the same
command again after an interruption: training resumes from the last finished epoch and gives the
same weights as an uninterrupted run. A checkpoint written with other settings is refused.

Defaults are DARTS' search settings: SGD lr 0.025 cosine to 0.001, momentum 0.9, weight decay 3e-4,
gradient-norm clip 5, batch 64; α (mixed): Adam lr 3e-4, betas (0.5, 0.999), weight decay 1e-3.

Few-shot supernets (one per subspace, each starting from a trained parent): train the parent, then
one member per subspace with --init-from PARENT --subspace S (the parent's shape, data and seed), and
score with --supernet M1,M2,... ('naskit supernet eval', 'naskit search --strategy genas'). E.g. the
five members --subspace edge:0=none, edge:0=skip_connect, ... --sampling fair split by edge 0's op.`;

function resolutionOf(value: string): number {
  const n = parsePositiveInt(value);
  if (![16, 28, 32].includes(n))
    throw new NaskitError(
      'invalid_argument',
      `--resolution must be 32 or 16 (28 for the MNIST sets), got ${value}`,
    );
  return n;
}

export function register(program: Command): void {
  const supernet = program
    .command('supernet')
    .description('Train weight-sharing supernets and score architectures with them');

  supernet
    .command('train')
    .description(
      'Train a supernet (mixed: weights and α, bilevel first order; single-path: one uniform path per step)',
    )
    .option('--space <name>', 'search space: nb201 or darts', 'nb201')
    .option('--mode <mode>', 'mixed or single-path', 'single-path')
    .option('--dataset <name>', 'cifar10 (needs --data-dir), fashion-mnist or mnist (built in)', 'cifar10')
    .option('--data-dir <dir>', 'data directory (default: $NASKIT_DATA)')
    .option('--train-images <n>', 'training images to use before the split (default: all)', parsePositiveInt)
    .option(
      '--valid-fraction <x>',
      'fraction of them for the validation half (α steps, evaluation)',
      parseNumber,
      0.5,
    )
    .option('--resolution <px>', 'image side fed to the supernet: 32 or 16 (box down-sampling)', resolutionOf)
    .option('--no-augment', 'no random crop + flip (CIFAR has it by default)')
    .option('--channels <n>', 'supernet width (nb201: first-stage C, 16; darts: C, 16)', parsePositiveInt)
    .option('--cells <n>', 'supernet depth (nb201: cells per stage, 5; darts: cells, 8)', parsePositiveInt)
    .option('--epochs <n>', 'epochs', parsePositiveInt, DEFAULT_HYPER.epochs)
    .option('--batch <n>', 'batch size', parsePositiveInt, DEFAULT_HYPER.batchSize)
    .option('--lr <x>', 'weights: peak SGD learning rate', parseNumber, DEFAULT_HYPER.lr)
    .option('--lr-min <x>', 'weights: cosine floor', parseNumber, DEFAULT_HYPER.lrMin)
    .option('--momentum <x>', 'weights: SGD momentum', parseNumber, DEFAULT_HYPER.momentum)
    .option('--nesterov', 'weights: Nesterov momentum')
    .option('--weight-decay <x>', 'weights: weight decay', parseNumber, DEFAULT_HYPER.weightDecay)
    .option('--grad-clip <x>', 'weights: gradient-norm clip (0 = off)', parseNumber, DEFAULT_HYPER.gradClip)
    .option('--alpha-lr <x>', 'α (mixed): Adam learning rate', parseNumber, DEFAULT_HYPER.alphaLr)
    .option(
      '--alpha-weight-decay <x>',
      'α (mixed): weight decay',
      parseNumber,
      DEFAULT_HYPER.alphaWeightDecay,
    )
    .option(
      '--sampling <kind>',
      'single-path: uniform (one path per step, SPOS) or fair (FairNAS: ops-many paths per step, every op once per edge, one update; nb201)',
      'uniform',
    )
    .option(
      '--subspace <spec>',
      'few-shot: train on one subspace only: edge:E=OP (edge E takes op OP; NB201 edges 0..5 = 0→1, 0→2, 1→2, 0→3, 1→3, 2→3; works with --sampling fair) or convs:A-B (A to B convolution ops; uniform paths)',
    )
    .option(
      '--init-from <dir>',
      'few-shot: start from this trained single-path supernet (same shape, images and seed); its initial weights stay the angle reference',
    )
    .option('--seed <n>', 'random seed', parseNonNegativeInt, 0)
    .option('--threads <n>', 'ONNX Runtime threads (default: core count)', parsePositiveInt)
    .requiredOption('--out <dir>', 'output folder (resumes from its checkpoint when present)')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as JSON')
    .addHelpText('after', TRAIN_HELP)
    .action(async (opts) => {
      const progress = createProgress(opts.quiet || opts.json ? 'quiet' : 'auto');
      const summary = await runSupernetTraining(
        {
          space: opts.space,
          mode: opts.mode,
          dataset: opts.dataset,
          dataDir: opts.dataDir,
          trainImages: opts.trainImages,
          validFraction: opts.validFraction,
          resolution: opts.resolution,
          augment: opts.augment,
          channels: opts.channels,
          cells: opts.cells,
          epochs: opts.epochs,
          batch: opts.batch,
          lr: opts.lr,
          lrMin: opts.lrMin,
          momentum: opts.momentum,
          nesterov: Boolean(opts.nesterov),
          weightDecay: opts.weightDecay,
          gradClip: opts.gradClip,
          alphaLr: opts.alphaLr,
          alphaWeightDecay: opts.alphaWeightDecay,
          seed: opts.seed,
          sampling: opts.sampling,
          subspace: opts.subspace,
          initFrom: opts.initFrom,
          threads: opts.threads,
          out: opts.out,
        },
        progress,
      );
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      process.stdout.write(
        [
          `supernet   ${summary.supernet} (${summary.params} weights)`,
          `data       ${summary.dataset} at ${summary.resolution}×${summary.resolution}: ${summary.train_images} train / ${summary.valid_images} valid images (${summary.data_source})`,
          `last epoch ${formatEpoch(summary.last, summary.epochs)}`,
          `time       ${summary.seconds.toFixed(1)} s${summary.resumed_from_epoch ? ` (resumed at epoch ${summary.resumed_from_epoch})` : ''}`,
          `written    ${summary.checkpoint}`,
        ].join('\n') + '\n',
      );
    });

  supernet
    .command('eval')
    .description(
      "Score architectures with a trained supernet's weights, BN recalibrated per architecture, no retraining: " +
        'validation loss and accuracy, GeNAS flatness (and flatness-only) and the angle; with NB201 tables, their rank correlations with the true accuracy',
    )
    .requiredOption(
      '--supernet <path>',
      "a folder written by 'naskit supernet train' (or its checkpoint file); a few-shot family: the members' folders separated by commas, each architecture scored by the member whose --subspace holds it",
    )
    .option('--arch <arch...>', 'architectures in the space canonical string form')
    .option('--archs-file <file>', 'a file with one architecture per line')
    .option(
      '--sample <n>',
      'also score this many distinct random architectures of the space',
      parsePositiveInt,
    )
    .option(
      '--calibration-images <n>',
      "training images for each architecture's BN statistics",
      parsePositiveInt,
      500,
    )
    .option(
      '--valid-images <n>',
      'validation images to measure on (default: the whole validation half)',
      parsePositiveInt,
    )
    .option('--sigmas <list>', 'noise levels of the flatness score (cumulative, as GeNAS)', (v) =>
      parseList(v).map(Number),
    )
    .option(
      '--noise <mode>',
      "'faithful' (each architecture its own noise draw) or 'shared' (one draw for all)",
      'faithful',
    )
    .option('--out <dir>', 'keep the scores in DIR/scores.jsonl (resumable)')
    .option('--data-dir <dir>', 'data directory (default: $NASKIT_DATA)')
    .option('--seed <n>', 'seed of --sample', parseNonNegativeInt, 0)
    .option(
      '--isomorphs <k>',
      "average every score over up to K encodings of the architecture's isomorphism class (same function; nb201), or over all of it ('all'); each encoding is scored once",
      parseIsomorphs,
      1,
    )
    .option(
      '--isomorph-seed <n>',
      'which K encodings are drawn from a class larger than --isomorphs K (the draw changes the scores; vary it to see by how much)',
      parseNonNegativeInt,
      0,
    )
    .option('--threads <n>', 'ONNX Runtime threads (default: core count)', parsePositiveInt)
    .option('--quiet', 'no progress output')
    .option('--json', 'print the scores as JSON')
    .action(async (opts) => {
      const archs: string[] = [...((opts.arch as string[] | undefined) ?? [])];
      if (opts.archsFile) {
        archs.push(
          ...readFileSync(opts.archsFile as string, 'utf8')
            .split('\n')
            .map((l) => l.trim())
            .filter((l) => l.length > 0 && !l.startsWith('#')),
        );
      }
      if (opts.noise !== 'faithful' && opts.noise !== 'shared') {
        throw new NaskitError(
          'invalid_argument',
          `--noise must be faithful or shared, got '${String(opts.noise)}'`,
        );
      }
      const progress = createProgress(opts.quiet || opts.json ? 'quiet' : 'auto');
      const result = await scoreWithSupernet(
        {
          supernet: opts.supernet,
          archs,
          ...(opts.sample ? { sample: opts.sample } : {}),
          calibrationImages: opts.calibrationImages,
          ...(opts.validImages ? { validImages: opts.validImages } : {}),
          ...(opts.sigmas ? { sigmas: opts.sigmas } : {}),
          noise: opts.noise,
          ...(opts.out ? { out: opts.out } : {}),
          dataDir: opts.dataDir,
          threads: opts.threads,
          seed: opts.seed,
          isomorphs: opts.isomorphs,
          isomorphSeed: opts.isomorphSeed,
        },
        progress,
      );
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      const lines = [
        `supernet ${result.supernet} (epoch ${result.epoch}); BN on ${result.calibration_images} images, measured on ${result.valid_images}; ` +
          `σ ${result.sigmas.join('/')} (${result.noise} noise)${describeIsomorphs(result.isomorphs, result.isomorph_seed)}; ${result.cells_scored} cells scored here, ${result.seconds_per_cell.toFixed(2)} s each`,
      ];
      if (result.scores.length <= 20) {
        for (const s of result.scores) {
          lines.push(
            `${s.accuracy.toFixed(2).padStart(6)}%  loss ${s.loss.toFixed(4)}  flatness ${s.flatness.toExponential(3)}  flatness-only ${s.flatness_only.toExponential(3)}  angle ${s.angle.toFixed(4)}  ${s.arch}`,
          );
        }
      }
      if (result.correlations.length > 0) {
        lines.push(
          `rank correlation with the NB201 test accuracy over ${result.scores.length} cells (Kendall τ / Spearman ρ):`,
        );
        for (const score of [...new Set(result.correlations.map((c) => c.score))]) {
          const row = result.correlations.filter((c) => c.score === score);
          lines.push(
            `  ${score.padEnd(14)} ${row.map((c) => `${c.dataset} ${c.kendall.toFixed(3)} / ${c.spearman.toFixed(3)}`).join('   ')}`,
          );
        }
      }
      for (const p of result.pairs) lines.push(`τ(${p.a}, ${p.b}) = ${p.kendall.toFixed(3)}`);
      process.stdout.write(`${lines.join('\n')}\n`);
    });

  supernet
    .command('compare')
    .description(
      'Compare differentiable searches side by side: one row per --out folder of `naskit search --strategy ' +
        'darts|darts-global` (J, parameter-free share, params, decisiveness, true NB201 accuracy, compute) and ' +
        'their collapse curves',
    )
    .argument('<dirs...>', 'search output folders (unfinished ones count the seeds they have finished)')
    .option('--html <file>', 'also write a self-contained page with the table and the collapse curves')
    .option('--json', 'print one JSON object instead of the table')
    .action(async (dirs: string[], opts: { html?: string; json?: boolean }) => {
      const comparison = compareSearches(dirs);
      if (opts.html) await writeComparisonPage(resolve(opts.html), comparison);
      if (opts.json) process.stdout.write(`${JSON.stringify(comparison)}\n`);
      else process.stdout.write(`${comparisonTable(comparison)}\n`);
    });
}
