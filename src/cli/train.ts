/** `naskit train`: train one network on a dataset, evaluate, checkpoint and export ONNX. */
import type { Command } from 'commander';
import { createProgress } from '../experiments/progress.js';
import { runTrainJob } from '../experiments/train-job.js';
import { DATASET_HELP } from '../data/catalog.js';
import { parseNonNegativeInt, parsePositiveInt, parsePositiveNumber } from './parse.js';

export function register(program: Command): void {
  program
    .command('train')
    .description(
      'Train a network on a dataset, evaluate it on the test split, save a checkpoint and export ONNX',
    )
    .option('--model <name>', 'built-in model: simple-cnn', 'simple-cnn')
    .option(
      '--space <space>',
      'train an architecture of this search space instead (nb201, darts, nb101, tnb101-micro, tnb101-macro)',
    )
    .option('--arch <arch>', 'the architecture, in the space canonical string form')
    .option('--dataset <spec>', `dataset: ${DATASET_HELP}`, 'fashion-mnist')
    .option(
      '--data-dir <dir>',
      'data directory (default: $NASKIT_DATA); fashion-mnist and a 10,000-image mnist are built in',
    )
    .option('--epochs <n>', 'training epochs', parsePositiveInt, 3)
    .option('--batch <n>', 'batch size', parsePositiveInt, 128)
    .option(
      '--lr <x>',
      'peak learning rate (SGD, Nesterov momentum 0.9, cosine schedule)',
      parsePositiveNumber,
      0.1,
    )
    .option('--channels <n>', 'network width (nb201: first-stage C; darts: C)', parsePositiveInt)
    .option('--cells <n>', 'network depth (nb201: cells per stage; darts: cells)', parsePositiveInt)
    .option(
      '--train-images <n>',
      'train on a seeded stratified subset of the training images',
      parsePositiveInt,
    )
    .option('--seed <n>', 'random seed', parseNonNegativeInt, 0)
    .option('--threads <n>', 'ONNX Runtime threads (default: core count)', parsePositiveInt)
    .option('--out <dir>', 'output directory', 'runs/train')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the summary as JSON')
    .action(async (opts) => {
      const progress = createProgress(opts.quiet || opts.json ? 'quiet' : 'auto');
      const summary = await runTrainJob(
        {
          model: opts.model,
          space: opts.space,
          arch: opts.arch,
          dataset: opts.dataset,
          dataDir: opts.dataDir,
          epochs: opts.epochs,
          batchSize: opts.batch,
          lr: opts.lr,
          seed: opts.seed,
          threads: opts.threads,
          out: opts.out,
          channels: opts.channels,
          cells: opts.cells,
          trainImages: opts.trainImages,
        },
        progress,
      );
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      process.stdout.write(
        [
          `model          ${summary.model}${summary.arch ? ` ${summary.arch}` : ''} (${summary.params} params)`,
          `dataset        ${summary.dataset}: ${summary.train_images} train / ${summary.test_images} test (${summary.data_source})`,
          `test accuracy  ${summary.test_accuracy.toFixed(2)}%`,
          `time           ${summary.train_seconds.toFixed(1)} s training, ${summary.elapsed_s.toFixed(1)} s in all`,
          `written        ${opts.out}/{summary.json, ${summary.checkpoint}, ${summary.onnx}} (ONNX max |diff| ${summary.onnx_max_abs_diff.toExponential(1)})`,
        ].join('\n') + '\n',
      );
    });
}
