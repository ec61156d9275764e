import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDataDir } from '../util/data-dir.js';
import { classCounts } from './dataset.js';
import {
  FASHION_TEST_PER_CLASS,
  fashionMnistPackageDir,
  fashionSplitIndices,
  loadFashionMnistPackage,
  parseFashionClassJson,
} from './fashion-mnist-package.js';
import { loadIdxDataset } from './idx.js';

const row = (v: number): string => `[${new Array(784).fill(v).join(',')}]`;
const json = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('fashion-mnist package JSON scanner', () => {
  it('reads rows of 784 ints and skips empty rows', () => {
    const out = parseFashionClassJson(json(`{"data":[${row(3)}, [],\n${row(255)}]}`), 'k.json');
    expect(out.length).toBe(2 * 784);
    expect([out[0], out[783], out[784], out[1567]]).toEqual([3, 3, 255, 255]);
  });

  it('refuses short rows, out-of-range values and broken structure with the byte offset', () => {
    expect(() => parseFashionClassJson(json('{"data":[[1,2,3]]}'), 'k.json')).toThrow(
      /k\.json: unexpected content at byte 10: row 0 has 3 values, expected 784/,
    );
    expect(() => parseFashionClassJson(json(`{"data":[${row(256)}]}`), 'k.json')).toThrow(
      /pixel value 0–255/,
    );
    expect(() => parseFashionClassJson(json(`{"data":[${row(1)}`), 'k.json')).toThrow(
      /expected '\]', found end of file/,
    );
    expect(() => parseFashionClassJson(json('{"rows":[]}'), 'k.json')).toThrow(/expected \{"data"/);
  });
});

describe('the fixed Fashion-MNIST split', () => {
  it('is a deterministic, disjoint 6,000 / 1,000 split of each class', () => {
    const a = fashionSplitIndices(3, 7000);
    expect(fashionSplitIndices(3, 7000)).toEqual(a);
    expect([a.train.length, a.test.length]).toEqual([6000, FASHION_TEST_PER_CLASS]);
    expect(new Set([...a.train, ...a.test]).size).toBe(7000);
    expect(fashionSplitIndices(4, 7000).test).not.toEqual(a.test);
    // Pinned: the split is part of naskit's documented behaviour and must not drift.
    expect(fashionSplitIndices(0, 7000).test.slice(0, 5)).toEqual([9, 12, 20, 33, 42]);
  });

  it('loads all 70,000 package images as 60,000 train / 10,000 test, labels interleaved', () => {
    const { train, test } = loadFashionMnistPackage();
    expect([train.n, test.n]).toEqual([60_000, 10_000]);
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    expect(train.labels.every((l, i) => l === i % 10)).toBe(true);
    expect([train.channels, train.height, train.width]).toEqual([1, 28, 28]);
  });
});

const data = testDataDir();

describe.skipIf(!data)(
  'package rows against the shared 20k IDX file (skipped: no shared data folder)',
  () => {
    it('the 20k file holds the first 2,000 package rows of each class (class 0 without its empty rows)', () => {
      const ref = loadIdxDataset({
        name: 'fm20k',
        images: join(data!, 'images/fashion_mnist_20k-images-idx3-ubyte.gz'),
        labels: join(data!, 'images/fashion_mnist_20k-labels-idx1-ubyte.gz'),
      });
      for (const k of [0, 9]) {
        const rows = parseFashionClassJson(
          readFileSync(join(fashionMnistPackageDir(), `${k}.json`)),
          `${k}.json`,
        );
        expect(rows.length).toBe(7000 * 784);
        for (const r of [0, 999, 1000, 1999]) {
          const i = r * 10 + k;
          expect(ref.labels[i]).toBe(k);
          expect(rows.subarray(r * 784, (r + 1) * 784)).toEqual(ref.pixels.subarray(i * 784, (i + 1) * 784));
        }
      }
    });
  },
);
