/**
 * Datasets given by their files in the spec (see catalog.ts for the named sets):
 * - `cifar100:TRAIN.bin[,TEST.bin]`: CIFAR-100 binary files (plain or .gz; several train files joined
 *   with '+'), fine labels, crop+flip augmented.
 * - `idx:IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS]`: your own data as IDX files (the MNIST format, plain
 *   or .gz; images [N,H,W] or [N,C,H,W] uint8, labels [N]; see idx.ts and writeIdxDataset to convert),
 *   normalized by the training set's own per-channel mean and std.
 * Without test files a stratified 1/6 of the images is held out as the test set with a fixed seed
 * (independent of any run seed, so every run on the data is tested on the same images).
 */
import { resolve } from 'node:path';
import { Rng } from '../util/rng.js';
import { NaskitError } from '../util/errors.js';
import { loadCifar } from './cifar.js';
import { subset, type ImageDataset } from './dataset.js';
import { loadIdxDataset } from './idx.js';
import { channelStats, STANDARD_NORMALIZATION, type Normalization } from './normalize.js';
import { splitIndices } from './split.js';

/** Seed of the held-out test split for data that comes without one. */
export const BYO_TEST_SPLIT_SEED = 6_2024;

export const FILE_SET_KINDS = ['cifar100', 'idx'] as const;
export type FileSetKind = (typeof FILE_SET_KINDS)[number];

export const FILE_SET_HELP =
  'cifar100:TRAIN.bin[,TEST.bin], or your own images as idx:IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS] (IDX files, .gz ok)';

export interface FileSet {
  source: string;
  train: ImageDataset;
  test: ImageDataset;
  normalization: Normalization;
  cropFlipPadding?: number;
}

/** What is wrong with the file list of a file-set spec, or null. */
export function fileSetProblem(kind: FileSetKind, files: readonly string[]): string | null {
  const empty = files.some((f) => f.length === 0);
  if (kind === 'idx' && ((files.length !== 2 && files.length !== 4) || empty)) {
    return `idx: takes 2 files (images,labels) or 4 (train images,train labels,test images,test labels), got ${files.length}`;
  }
  if (kind === 'cifar100' && (files.length < 1 || files.length > 2 || empty)) {
    return "cifar100: takes TRAIN.bin[,TEST.bin] (several train files joined with '+')";
  }
  return null;
}

/** Load a file set whose file list fileSetProblem accepted. */
export function loadFileSet(kind: FileSetKind, files: readonly string[]): FileSet {
  return kind === 'idx' ? idxSet(files) : cifar100Set(files);
}

/** A fixed stratified 1/6 of `all` as the test set. */
function holdOutTest(all: ImageDataset, prefix: string): { train: ImageDataset; test: ImageDataset } {
  const split = splitIndices(all.labels, all.classes, { val: 1 / 6 }, new Rng(BYO_TEST_SPLIT_SEED));
  return {
    train: subset(all, split.train, `${prefix}/train`),
    test: subset(all, split.val, `${prefix}/test`),
  };
}

function idxSet(files: readonly string[]): FileSet {
  const [images, labels, testImages, testLabels] = files.map((f) => resolve(f));
  const all = loadIdxDataset({ name: 'idx/train', images: images!, labels: labels! });
  if (!testImages || !testLabels) {
    const { train, test } = holdOutTest(all, 'idx');
    return {
      source: 'IDX files (test: a fixed stratified 1/6 held out)',
      train,
      test,
      normalization: channelStats(train),
    };
  }
  const test = loadIdxDataset({ name: 'idx/test', images: testImages, labels: testLabels });
  if (test.channels !== all.channels || test.height !== all.height || test.width !== all.width) {
    throw new NaskitError(
      'shape_mismatch',
      `${testImages}: test images are ${test.channels}×${test.height}×${test.width} but training images are ${all.channels}×${all.height}×${all.width}`,
    );
  }
  const classes = Math.max(all.classes, test.classes);
  const classNames = Array.from({ length: classes }, (_, k) => String(k));
  const train = { ...all, classes, classNames };
  return {
    source: 'IDX files (train and test)',
    train,
    test: { ...test, classes, classNames },
    normalization: channelStats(train),
  };
}

function cifar100Set(files: readonly string[]): FileSet {
  const all = loadCifar(
    files[0]!.split('+').map((f) => resolve(f)),
    'cifar100',
    'cifar100/train',
  );
  const common = { normalization: STANDARD_NORMALIZATION.cifar100, cropFlipPadding: 4 };
  if (!files[1]) {
    return {
      ...common,
      source: 'CIFAR-100 binary files (test: a fixed stratified 1/6 held out)',
      ...holdOutTest(all, 'cifar100'),
    };
  }
  return {
    ...common,
    source: 'CIFAR-100 binary files (train and test)',
    train: all,
    test: loadCifar([resolve(files[1])], 'cifar100', 'cifar100/test'),
  };
}
