/**
 * `naskit train`: train one network (a built-in model or an architecture of a search space) on a
 * dataset, evaluate it on the test split, save a safetensors checkpoint, export a self-contained ONNX
 * model (checked against naskit's own forward), and write summary.json.
 */
import { join } from 'node:path';
import type { NetworkSpec } from '../graph/network.js';
import { simpleCnn } from '../nn/simple-cnn.js';
import { writeFileAtomic } from '../runtime/checkpoint.js';
import { exportOnnx } from '../runtime/export.js';
import { exportParity } from '../runtime/export-check.js';
import { ParamStore } from '../runtime/params.js';
import { buildTrainGraph } from '../runtime/train-program.js';
import { getSpace } from '../spaces/index.js';
import type { AnySpace } from '../spaces/space.js';
import { evaluate, trainNetwork, type EpochRecord } from '../train/trainer.js';
import { BatchLoader } from '../data/batches.js';
import { NaskitError } from '../util/errors.js';
import { prepareOutDir } from '../util/out-dir.js';
import { Rng } from '../util/rng.js';
import { loadDataset, type LoadedDataset } from '../data/catalog.js';
import type { Progress } from './progress.js';
// model-file imports networkFor from here: a cycle of functions only, resolved before either runs.
import { saveModel, type ModelDescription } from './run/model-file.js';
import { takeImages } from './supernet/data.js';

export interface TrainJobOptions {
  model?: string;
  space?: string;
  arch?: string;
  dataset: string;
  dataDir?: string;
  epochs: number;
  batchSize: number;
  lr: number;
  seed: number;
  threads?: number;
  out: string;
  /** Width and depth of a space's network (see NetworkConfig: nb201 first-stage C and cells per stage, darts C and cells). */
  channels?: number;
  cells?: number;
  /** Train on a seeded, class-stratified subset of this many training images (default: all). */
  trainImages?: number;
}

export interface TrainJobSummary {
  model: string;
  arch: string | null;
  dataset: string;
  data_source: string;
  train_images: number;
  test_images: number;
  epochs: number;
  batch_size: number;
  lr: number;
  seed: number;
  params: number;
  test_accuracy: number;
  test_loss: number;
  train_seconds: number;
  elapsed_s: number;
  history: EpochRecord[];
  checkpoint: string;
  onnx: string;
  onnx_max_abs_diff: number;
}

/**
 * What to train, checked without the data: a space's architecture (parsed) or the built-in model.
 * Both the early option check and the network builder go through it, so they refuse the same input.
 */
function resolveModel(
  options: Pick<TrainJobOptions, 'model' | 'space' | 'arch'>,
): { space: AnySpace; arch: unknown } | null {
  if (options.space) {
    const space = getSpace(options.space);
    if (!space.build) {
      throw new NaskitError('invalid_argument', `space '${space.name}' has no trainable network builder`);
    }
    if (!options.arch) {
      throw new NaskitError(
        'invalid_argument',
        `--space ${space.name} needs --arch "<architecture in the space canonical string form>"`,
      );
    }
    return { space, arch: space.parse(options.arch) };
  }
  if (options.arch) {
    throw new NaskitError(
      'invalid_argument',
      '--arch needs --space (e.g. --space nb201 or --space darts) to say which space it belongs to',
    );
  }
  const model = options.model ?? 'simple-cnn';
  if (model !== 'simple-cnn') {
    throw new NaskitError(
      'invalid_argument',
      `unknown --model '${model}'; built-in models: simple-cnn (or use --space nb201 --arch ...)`,
    );
  }
  return null;
}

export function networkFor(
  options: Pick<TrainJobOptions, 'model' | 'space' | 'arch' | 'channels' | 'cells'>,
  data: Pick<LoadedDataset, 'train'>,
): { net: NetworkSpec; arch: string | null } {
  const inputShape = [data.train.channels, data.train.height, data.train.width] as const;
  const classes = data.train.classes;
  const resolved = resolveModel(options);
  if (!resolved) return { net: simpleCnn(inputShape, classes), arch: null };
  const { space, arch } = resolved;
  const net = space.build!(arch, {
    classes,
    inputShape,
    ...(options.channels ? { channels: options.channels } : {}),
    ...(options.cells ? { cells: options.cells } : {}),
  });
  return { net, arch: space.format(arch) };
}

/**
 * Check what can be checked without the data (numbers, model, space and architecture), so that bad
 * options fail at once and leave no output folder behind.
 */
export function checkTrainJob(options: TrainJobOptions): void {
  if (!(Number.isFinite(options.lr) && options.lr > 0)) {
    throw new NaskitError('invalid_argument', `--lr must be a positive number, got ${options.lr}`);
  }
  for (const [flag, value] of [
    ['--epochs', options.epochs],
    ['--batch', options.batchSize],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) {
      throw new NaskitError('invalid_argument', `${flag} must be a positive integer, got ${value}`);
    }
  }
  resolveModel(options);
}

export async function runTrainJob(options: TrainJobOptions, progress: Progress): Promise<TrainJobSummary> {
  const started = Date.now();
  checkTrainJob(options);
  // The output folder is made before the data is loaded, so a bad --out fails at once.
  const outDir = prepareOutDir(options.out, '--out');
  try {
    return await trainInto(outDir.path, options, progress, started);
  } catch (err) {
    outDir.undo(); // only folders this job made and that are still empty
    throw err;
  }
}

async function trainInto(
  out: string,
  options: TrainJobOptions,
  progress: Progress,
  started: number,
): Promise<TrainJobSummary> {
  const loaded = loadDataset(options.dataset, options.dataDir);
  const data = options.trainImages
    ? {
        ...loaded,
        train: takeImages(loaded.train, options.trainImages, new Rng(options.seed).fork('train-images')),
      }
    : loaded;
  const { net, arch } = networkFor(options, data);
  const rng = new Rng(options.seed);
  const params = ParamStore.fromGraph(buildTrainGraph(net, options.batchSize).graph, rng.fork('init'));

  const perEpoch = Math.floor(data.train.n / options.batchSize);
  progress.start(`train ${net.name}`, perEpoch * options.epochs);
  const result = await trainNetwork(
    net,
    params,
    data.train,
    {
      epochs: options.epochs,
      batchSize: options.batchSize,
      lr: options.lr,
      normalization: data.normalization,
      ...(data.cropFlipPadding !== undefined ? { cropFlipPadding: data.cropFlipPadding } : {}),
      ...(options.threads ? { threads: options.threads } : {}),
      onStep: (s) => progress.update(s.step, `loss ${s.loss.toFixed(3)}`),
    },
    rng.fork('train'),
  );
  progress.stop();
  const test = await evaluate(net, params, data.test, {
    batchSize: 256,
    normalization: data.normalization,
    ...(options.threads ? { threads: options.threads } : {}),
  });

  const checkpoint = 'checkpoint.safetensors';
  const space = resolveModel(options)?.space.name ?? null;
  // The whole description (as `naskit run` writes it), so `naskit export` rebuilds any space's network.
  const description: ModelDescription = {
    space,
    model: space ?? net.name,
    arch,
    // 0: the space's default width and depth, as the network was built.
    channels: options.channels ?? 0,
    cells: options.cells ?? 0,
    classes: data.train.classes,
    input_shape: [...net.inputShape] as [number, number, number],
    dataset: data.name,
    normalization: { mean: [...data.normalization.mean], std: [...data.normalization.std] },
  };
  saveModel(join(out, checkpoint), params, description, {
    model: net.name,
    arch: arch ?? '',
    dataset: data.name,
    seed: String(options.seed),
  });
  const onnx = 'model.onnx';
  const exported = exportOnnx(net, params);
  writeFileAtomic(join(out, onnx), exported.bytes);
  const probe = new BatchLoader(data.test, {
    batchSize: Math.min(8, data.test.n),
    normalization: data.normalization,
  });
  const firstBatch = probe.epoch(0).next().value!;
  const parity = await exportParity(exported.bytes, net, params, firstBatch.input, firstBatch.labels.length);

  const summary: TrainJobSummary = {
    model: net.name,
    arch,
    dataset: data.name,
    data_source: data.source,
    train_images: data.train.n,
    test_images: data.test.n,
    epochs: options.epochs,
    batch_size: options.batchSize,
    lr: options.lr,
    seed: options.seed,
    params: params.numel('trainable'),
    test_accuracy: test.accuracy,
    test_loss: test.loss,
    train_seconds: result.seconds,
    elapsed_s: (Date.now() - started) / 1000,
    history: result.epochs,
    checkpoint,
    onnx,
    onnx_max_abs_diff: parity.maxAbsDiff,
  };
  writeFileAtomic(
    join(out, 'summary.json'),
    new TextEncoder().encode(`${JSON.stringify(summary, null, 2)}\n`),
  );
  return summary;
}
