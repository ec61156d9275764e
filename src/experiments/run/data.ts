/**
 * The run's own splits of the training set (the datasets themselves come from src/data/catalog.ts):
 * a validation part for ranking the short-trained candidates, and stratified subsets for the short
 * and final trainings. The test set is never touched.
 */
import { DATASET_NAMES, isDatasetName, loadDataset, type LoadedDataset } from '../../data/catalog.js';
import { type ImageDataset, subset } from '../../data/dataset.js';
import { splitIndices } from '../../data/split.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { dataFingerprint } from './layout.js';

export interface RunSplits {
  /** Training part (the training set minus the validation images). */
  trainPart: ImageDataset;
  val: ImageDataset;
}

/** A stratified, seeded validation split of the training set. */
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

/**
 * What a job needs to rebuild the run's images on another machine: the dataset (a named set of the
 * catalog), the digest of the run's copy (layout.ts dataFingerprint), the run's seed and the size of the
 * validation split. Every set a phase trains or scores on is a pure function of these and a size.
 */
export interface RunDataRef {
  dataset: string;
  fingerprint: string;
  seed: number;
  val_images: number;
}

export interface RunSets {
  data: LoadedDataset;
  /** The training set minus the validation split. */
  trainPart: ImageDataset;
  val: ImageDataset;
}

/** The run's validation split, drawn from the run's seed as every session and every worker draws it. */
export function runSets(data: LoadedDataset, seed: number, valImages: number): RunSets {
  return { data, ...validationSplit(data.train, valImages, new Rng(seed).fork('val-split')) };
}

/** The seed of the proxies' fixed batch of the run's training images. */
export function proxyBatchSeed(seed: number): number {
  return new Rng(seed).fork('proxy-batch').seed;
}

/** The short trainings' stratified subset of the train part. */
export function shortTrainingSet(sets: RunSets, images: number, seed: number): ImageDataset {
  const { trainPart } = sets;
  return stratifiedSubset(trainPart, images, new Rng(seed).fork('short-subset'), `${trainPart.name}[short]`);
}

/** The final trainings' images: a stratified subset of the train part, or of the whole training set. */
export function finalTrainingSet(
  sets: RunSets,
  trainOn: 'train' | 'train+val',
  images: number,
  seed: number,
): ImageDataset {
  const pool = trainOn === 'train+val' ? sets.data.train : sets.trainPart;
  return stratifiedSubset(pool, images, new Rng(seed).fork('final-subset'), `${pool.name}[final]`);
}

/** Why a dataset cannot be described to workers, or null when it can (a named set of the catalog). */
export function remoteDatasetProblem(spec: string): string | null {
  if (isDatasetName(spec)) return null;
  return (
    `the run's dataset '${spec}' is a set of files on this machine; jobs name their data, so with --redis ` +
    `use a named set (${DATASET_NAMES.join(', ')}) that every worker loads from its own --data-dir`
  );
}

/**
 * The run's sets on a worker: the named dataset loaded from the worker's data folder (or the built-in
 * copy), checked against the run's digest so that a worker holding other images refuses the job.
 */
export function openRunData(ref: RunDataRef, dataDir: string | undefined): RunSets {
  const problem = remoteDatasetProblem(ref.dataset);
  if (problem !== null) throw new NaskitError('invalid_argument', problem);
  const data = loadDataset(ref.dataset, dataDir);
  const fingerprint = dataFingerprint([data.train, data.test]);
  if (fingerprint !== ref.fingerprint) {
    throw new NaskitError(
      'data_corrupt',
      `${ref.dataset} on this worker (${data.source}: ${data.train.n} train / ${data.test.n} test images, hash ` +
        `${fingerprint}) is not the run's copy (hash ${ref.fingerprint}): give the worker --data-dir with the images the run uses`,
    );
  }
  return runSets(data, ref.seed, ref.val_images);
}
