/**
 * The images a supernet search uses: the dataset's training set (optionally its first seeded,
 * class-stratified N images), split by a seeded stratified split into the weights' half and the
 * α / evaluation half, optionally down-sampled (CIFAR 32×32 → 16×16) so a search fits two cores.
 * The dataset's test set is never used by a search.
 */
import { downsample } from '../../data/downsample.js';
import { splitIndices } from '../../data/split.js';
import { subset, type ImageDataset } from '../../data/dataset.js';
import type { SupernetData } from '../../train/supernet/trainer.js';
import { NaskitError } from '../../util/errors.js';
import { Rng } from '../../util/rng.js';
import { loadDataset } from '../../data/catalog.js';

export interface SearchDataOptions {
  dataset: string;
  dataDir?: string;
  /** Training images to use before the split (default: all of the training set). */
  trainImages?: number;
  /** Fraction of those for the validation half (default 0.5). */
  validFraction?: number;
  /** Side of the images fed to the supernet (default: the dataset's own). */
  resolution?: number;
  /** Random crop + flip on training batches where the dataset has it (CIFAR); default true. */
  augment?: boolean;
  seed: number;
}

export interface SearchData extends SupernetData {
  dataset: string;
  source: string;
  resolution: number;
  channels: number;
  classes: number;
}

/** Seeded stratified choice of `n` images of a dataset (all of it when n is its size). */
export function takeImages(all: ImageDataset, n: number, rng: Rng): ImageDataset {
  if (n === all.n) return all;
  if (!Number.isInteger(n) || n < 2 || n > all.n) {
    throw new NaskitError(
      'invalid_argument',
      `--train-images must be an integer in [2, ${all.n}] for ${all.name} (${all.n} training images), got ${n}`,
    );
  }
  return subset(all, splitIndices(all.labels, all.classes, { val: n }, rng).val, all.name);
}

export function loadSearchData(options: SearchDataOptions): SearchData {
  const fraction = options.validFraction ?? 0.5;
  if (!(fraction > 0 && fraction < 1)) {
    throw new NaskitError('invalid_argument', `--valid-fraction must be in (0, 1), got ${fraction}`);
  }
  const loaded = loadDataset(options.dataset, options.dataDir);
  const rng = new Rng(options.seed).fork('search-data');
  const base = loaded.train;
  const resolution = options.resolution ?? base.height;
  const images = downsample(takeImages(base, options.trainImages ?? base.n, rng.fork('take')), resolution);
  if (Math.round(images.n * fraction) < 1 || Math.round(images.n * fraction) >= images.n) {
    throw new NaskitError(
      'invalid_argument',
      `${images.n} images cannot be split with --valid-fraction ${fraction}; use more images`,
    );
  }
  const { train, val } = splitIndices(images.labels, images.classes, { val: fraction }, rng.fork('split'));
  const padding = options.augment === false ? undefined : loaded.cropFlipPadding;
  return {
    dataset: loaded.name,
    source: loaded.source,
    resolution,
    channels: images.channels,
    classes: images.classes,
    train: subset(images, train, `${images.name}:search-train`),
    valid: subset(images, val, `${images.name}:search-valid`),
    normalization: loaded.normalization,
    // Crop padding scales with the image: 4 px at 32, 2 px at 16.
    ...(padding !== undefined
      ? { cropFlipPadding: Math.max(1, Math.round((padding * resolution) / base.height)) }
      : {}),
  };
}
