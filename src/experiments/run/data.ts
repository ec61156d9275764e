/**
 * The run's own splits of the training set (the datasets themselves come from src/data/catalog.ts):
 * a validation part for ranking the short-trained candidates, and stratified subsets for the short
 * and final trainings. The test set is never touched.
 */
import { type ImageDataset, subset } from '../../data/dataset.js';
import { splitIndices } from '../../data/split.js';
import type { Rng } from '../../util/rng.js';

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
