import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { testDataDir } from '../util/data-dir.js';
import { NaskitError } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { encodeCifar } from './cifar.js';
import { classCounts, type ImageDataset } from './dataset.js';
import { encodeIdx } from './idx.js';
import { loadImageDataset } from './image-sets.js';
import { channelStats } from './normalize.js';
import { syntheticDataset } from './synthetic.js';

function meanPixel(...sets: ImageDataset[]): number {
  let sum = 0;
  let count = 0;
  for (const s of sets) {
    for (const p of s.pixels) sum += p;
    count += s.pixels.length;
  }
  return sum / count / 255;
}

describe('loadImageDataset on a generated data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'naskit-images-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'images'));
  const put = (name: string, bytes: Uint8Array): void =>
    writeFileSync(join(dir, 'images', name), gzipSync(bytes));
  const grey = syntheticDataset({ n: 40, classes: 10, channels: 1, height: 28, width: 28 }, new Rng(1));
  put('mnist_train-images-idx3-ubyte.gz', encodeIdx([40, 28, 28], grey.pixels));
  put('mnist_train-labels-idx1-ubyte.gz', encodeIdx([40], Uint8Array.from(grey.labels)));
  const colour = syntheticDataset({ n: 6, classes: 10 }, new Rng(2));
  put('cifar10_test_first1k.bin.gz', encodeCifar(colour, 'cifar10'));

  it('finds the files by their standard names', () => {
    const mnist = loadImageDataset('mnist', 'train', dir);
    expect([mnist.n, mnist.channels, mnist.height, mnist.width, mnist.classes]).toEqual([40, 1, 28, 28, 10]);
    expect(mnist.pixels).toEqual(grey.pixels);
    const cifar = loadImageDataset('cifar10', 'test', dir);
    expect(cifar.labels).toEqual(colour.labels);
    expect(cifar.name).toBe('cifar10/test');
  });

  it('says which file is missing and where it looked', () => {
    try {
      loadImageDataset('mnist', 'test', dir);
      expect.unreachable();
    } catch (e) {
      expect((e as NaskitError).code).toBe('data_missing');
      expect((e as NaskitError).message).toMatch(/images\/mnist_test_first3k-images-idx3-ubyte\.gz/);
    }
  });

  it('reports a corrupt file with its path', () => {
    put('cifar10_train_first10k.bin.gz', new Uint8Array(3073 + 17));
    expect(() => loadImageDataset('cifar10', 'train', dir)).toThrow(
      /cifar10_train_first10k\.bin\.gz: .*at byte 3073/,
    );
  });
});

const data = testDataDir();

describe.skipIf(!data)('loadImageDataset on the shared data folder (skipped: no shared data folder)', () => {
  it('MNIST: 60,000 + 3,000 images, first labels and mean pixel as documented', () => {
    const train = loadImageDataset('mnist', 'train', data!);
    const test = loadImageDataset('mnist', 'test', data!);
    expect([train.n, test.n]).toEqual([60_000, 3_000]);
    expect([...train.labels.subarray(0, 10)]).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect([...test.labels.subarray(0, 10)]).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(meanPixel(train, test)).toBeCloseTo(0.1302, 4);
  });

  it('CIFAR-10: data_batch_1 label counts, channel means and first labels as documented', () => {
    const train = loadImageDataset('cifar10', 'train', data!);
    const test = loadImageDataset('cifar10', 'test', data!);
    expect([train.n, test.n]).toEqual([10_000, 1_000]);
    expect(classCounts(train)).toEqual([1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981]);
    const { mean } = channelStats(train);
    expect(mean.map((m) => +m.toFixed(4))).toEqual([0.4935, 0.4834, 0.4472]);
    expect([...train.labels.subarray(0, 10)]).toEqual([6, 9, 9, 4, 1, 1, 2, 7, 8, 3]);
    expect([...test.labels.subarray(0, 10)]).toEqual([3, 8, 8, 0, 6, 6, 1, 6, 3, 1]);
  });

  it('Fashion-MNIST 20k: 17,000 / 3,000 split, label i mod 10, documented mean pixel', () => {
    const train = loadImageDataset('fashion-mnist', 'train', data!);
    const test = loadImageDataset('fashion-mnist', 'test', data!);
    expect([train.n, test.n]).toEqual([17_000, 3_000]);
    expect(train.labels.every((l, i) => l === i % 10)).toBe(true);
    expect(test.labels.every((l, i) => l === i % 10)).toBe(true);
    expect(classCounts(test)).toEqual(new Array(10).fill(300));
    expect(meanPixel(train, test)).toBeCloseTo(0.2856, 4);
    expect(train.classNames[9]).toBe('Ankle boot');
  });
});
