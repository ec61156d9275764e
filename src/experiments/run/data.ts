/**
 * Dataset specs a run accepts, on top of the named sets of datasets.ts:
 * - `fashion-mnist` (built in), `mnist`, `cifar10`: see datasets.ts.
 * - `cifar100:TRAIN.bin[,TEST.bin]`: CIFAR-100 binary files (plain or .gz; several train files
 *   joined with '+'), fine labels, crop+flip augmented.
 * - `idx:IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS]`: bring your own data as IDX files (the MNIST format,
 *   plain or .gz; images [N,H,W] or [N,C,H,W] uint8, labels [N]; see src/data/idx.ts and
 *   writeIdxDataset to convert). Normalised by the training set's own per-channel mean and std.
 * Without test files a stratified 1/6 of the images is held out as the test set with a fixed seed
 * (independent of the run seed, so every run on the data is tested on the same images).
 *
 * Relative paths in specs are resolved against the current directory.
 */
import { resolve } from 'node:path';
import { loadCifar } from '../../data/cifar.js';
import { type ImageDataset, subset } from '../../data/dataset.js';
import { loadIdxDataset } from '../../data/idx.js';
import { channelStats, STANDARD_NORMALIZATION } from '../../data/normalize.js';
import { splitIndices } from '../../data/split.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { DATASET_NAMES, loadDataset, type LoadedDataset } from '../datasets.js';

/** Seed of the held-out test split for data that comes without one. */
export const BYO_TEST_SPLIT_SEED = 6_2024;

export interface RunDataset extends Omit<LoadedDataset, 'name'> {
  /** The spec as given (e.g. `fashion-mnist`, `idx:a.gz,b.gz`). */
  name: string;
}

export const DATASET_HELP =
  `${DATASET_NAMES.join(', ')} (fashion-mnist is built in, mnist too as a 10,000-image subset when no data dir is set; cifar10 comes from --data-dir), ` +
  'cifar100:TRAIN.bin[,TEST.bin], or your own images as idx:IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS] (IDX files, .gz ok)';

export function loadRunDataset(spec: string, dataDir?: string): RunDataset {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const files =
    colon < 0
      ? []
      : spec
          .slice(colon + 1)
          .split(',')
          .map((f) => f.trim());
  if (kind === 'idx') return idxDataset(spec, files);
  if (kind === 'cifar100') return cifar100Dataset(spec, files);
  if (colon >= 0 || !(DATASET_NAMES as readonly string[]).includes(spec)) {
    throw new NaskitError(
      'invalid_config',
      `field 'dataset' = ${JSON.stringify(spec)}: unknown dataset; allowed: ${DATASET_HELP}`,
    );
  }
  return loadDataset(spec, dataDir);
}

function idxDataset(spec: string, files: string[]): RunDataset {
  if ((files.length !== 2 && files.length !== 4) || files.some((f) => f.length === 0)) {
    throw new NaskitError(
      'invalid_config',
      `field 'dataset' = ${JSON.stringify(spec)}: idx: takes 2 files (images,labels) or 4 (train images,train labels,test images,test labels), got ${files.length}`,
    );
  }
  const [images, labels, testImages, testLabels] = files.map((f) => resolve(f));
  const all = loadIdxDataset({ name: 'idx/train', images: images!, labels: labels! });
  let train = all;
  let test: ImageDataset;
  if (testImages && testLabels) {
    test = loadIdxDataset({ name: 'idx/test', images: testImages, labels: testLabels });
    if (test.channels !== train.channels || test.height !== train.height || test.width !== train.width) {
      throw new NaskitError(
        'shape_mismatch',
        `${testImages}: test images are ${test.channels}×${test.height}×${test.width} but training images are ${train.channels}×${train.height}×${train.width}`,
      );
    }
    const classes = Math.max(train.classes, test.classes);
    train = { ...train, classes, classNames: classNamesFor(classes) };
    test = { ...test, classes, classNames: classNamesFor(classes) };
  } else {
    const split = splitIndices(all.labels, all.classes, { val: 1 / 6 }, new Rng(BYO_TEST_SPLIT_SEED));
    train = subset(all, split.train, 'idx/train');
    test = subset(all, split.val, 'idx/test');
  }
  return {
    name: spec,
    source: testImages ? 'IDX files (train and test)' : 'IDX files (test: a fixed stratified 1/6 held out)',
    train,
    test,
    normalization: channelStats(train),
  };
}

function cifar100Dataset(spec: string, files: string[]): RunDataset {
  if (files.length < 1 || files.length > 2 || files.some((f) => f.length === 0)) {
    throw new NaskitError(
      'invalid_config',
      `field 'dataset' = ${JSON.stringify(spec)}: cifar100: takes TRAIN.bin[,TEST.bin] (several train files joined with '+')`,
    );
  }
  const trainFiles = files[0]!.split('+').map((f) => resolve(f));
  const all = loadCifar(trainFiles, 'cifar100', 'cifar100/train');
  let train = all;
  let test: ImageDataset;
  if (files[1]) test = loadCifar([resolve(files[1])], 'cifar100', 'cifar100/test');
  else {
    const split = splitIndices(all.labels, all.classes, { val: 1 / 6 }, new Rng(BYO_TEST_SPLIT_SEED));
    train = subset(all, split.train, 'cifar100/train');
    test = subset(all, split.val, 'cifar100/test');
  }
  return {
    name: spec,
    source: files[1]
      ? 'CIFAR-100 binary files (train and test)'
      : 'CIFAR-100 binary files (test: a fixed stratified 1/6 held out)',
    train,
    test,
    normalization: STANDARD_NORMALIZATION.cifar100,
    cropFlipPadding: 4,
  };
}

function classNamesFor(classes: number): string[] {
  return Array.from({ length: classes }, (_, k) => String(k));
}

export interface RunSplits {
  /** Training part (the training set minus the validation images). */
  trainPart: ImageDataset;
  val: ImageDataset;
}

/** A stratified, seeded validation split of the training set; the test set is never touched. */
export function validationSplit(train: ImageDataset, valImages: number, rng: Rng): RunSplits {
  const split = splitIndices(train.labels, train.classes, { val: valImages }, rng);
  return {
    trainPart: subset(train, split.train, `${train.name}[train part]`),
    val: subset(train, split.val, `${train.name}[val]`),
  };
}

/** A stratified seeded subset of `count` images (all of them when count >= n). */
export function stratifiedSubset(data: ImageDataset, count: number, rng: Rng, name: string): ImageDataset {
  if (count >= data.n) return data;
  return subset(data, splitIndices(data.labels, data.classes, { val: count }, rng).val, name);
}
