import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDataDir } from '../util/data-dir.js';
import { classCounts } from './dataset.js';
import { loadIdxDataset } from './idx.js';
import { loadMnistPackage, mnistSplitIndices, parseMnistDigitsJson } from './mnist-package.js';

const image = (v: number): string => new Array(784).fill(v).join(',');

describe('mnist package JSON', () => {
  it('turns grey levels in [0, 1] back into bytes', () => {
    const out = parseMnistDigitsJson(`{"data":[${image(0.992)},${image(0)}]}`, 'k.json');
    expect(out.length).toBe(2 * 784);
    expect([out[0], out[784]]).toEqual([253, 0]);
  });

  it('refuses a partial image, out-of-range values and broken JSON, naming the file and place', () => {
    expect(() => parseMnistDigitsJson('{"data":[0.1,0.2]}', 'k.json')).toThrow(
      /k\.json: expected .*multiple of 784.*got 2 values/,
    );
    expect(() =>
      parseMnistDigitsJson(`{"data":[${image(0)},${image(0).replace(/^0/, '1.5')}]}`, 'k.json'),
    ).toThrow(/value 784 \(image 1, pixel 0\) is 1\.5/);
    expect(() => parseMnistDigitsJson('{"data":[', 'k.json')).toThrow(/k\.json: not valid JSON/);
  });
});

describe('the built-in MNIST subset', () => {
  it('is a fixed, disjoint, stratified 80/20 split', () => {
    const a = mnistSplitIndices(1, 1127);
    expect(mnistSplitIndices(1, 1127)).toEqual(a);
    expect([a.train.length, a.test.length]).toEqual([902, 225]);
    expect(new Set([...a.train, ...a.test]).size).toBe(1127);
    expect(() => mnistSplitIndices(0, 1)).toThrow(/too few to split/);
  });

  it('loads 10,000 digits as 8,000 train / 2,000 test with every class in both', () => {
    const { train, test } = loadMnistPackage();
    expect(train.n + test.n).toBe(10_000);
    expect(test.n).toBe(2000);
    expect(classCounts(test).every((c) => c > 150)).toBe(true);
    expect(classCounts(train).every((c) => c > 650)).toBe(true);
    expect([train.channels, train.height, train.width]).toEqual([1, 28, 28]);
  });
});

const data = testDataDir();

describe.skipIf(!data)(
  'package digits against the official MNIST training set (skipped: no shared data folder)',
  () => {
    it('are its first 10,000 images, byte for byte', () => {
      const official = loadIdxDataset({
        name: 'mnist-train',
        images: join(data!, 'images/mnist_train-images-idx3-ubyte.gz'),
        labels: join(data!, 'images/mnist_train-labels-idx1-ubyte.gz'),
      });
      const { train, test } = loadMnistPackage();
      const first = new Set<string>();
      for (let i = 0; i < 10_000; i++) {
        first.add(
          `${official.labels[i]}:${Buffer.from(official.pixels.subarray(i * 784, (i + 1) * 784)).toString('base64')}`,
        );
      }
      for (const set of [train, test]) {
        for (let i = 0; i < set.n; i++) {
          const key = `${set.labels[i]}:${Buffer.from(set.pixels.subarray(i * 784, (i + 1) * 784)).toString('base64')}`;
          expect(first.has(key)).toBe(true);
        }
      }
    });
  },
);
