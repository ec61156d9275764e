import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeCifar } from '../../data/cifar.js';
import { classCounts, makeDataset, subset } from '../../data/dataset.js';
import { writeIdxDataset } from '../../data/idx.js';
import { syntheticDataset } from '../../data/synthetic.js';
import { testDataDir } from '../../util/data-dir.js';
import { Rng } from '../../util/rng.js';
import { loadRunDataset, stratifiedSubset, validationSplit } from './data.js';
import { tempDirs } from '../../../test/helpers/temp-dirs.js';

const tempDir = tempDirs();

const dir = tempDir('naskit-run-data-');

describe('run datasets', () => {
  it('reads your own IDX files, with or without a test set, normalized by the training images', () => {
    const all = syntheticDataset({ n: 120, classes: 3, channels: 2, height: 5, width: 4 }, new Rng(1));
    const f = (name: string): string => join(dir, name);
    writeIdxDataset(
      subset(
        all,
        Array.from({ length: 90 }, (_, i) => i),
      ),
      f('tr-x.gz'),
      f('tr-y.gz'),
    );
    writeIdxDataset(
      subset(
        all,
        Array.from({ length: 30 }, (_, i) => 90 + i),
      ),
      f('te-x'),
      f('te-y'),
    );
    const four = loadRunDataset(`idx:${f('tr-x.gz')},${f('tr-y.gz')},${f('te-x')},${f('te-y')}`);
    expect([
      four.train.n,
      four.test.n,
      four.train.channels,
      four.train.height,
      four.train.width,
      four.train.classes,
    ]).toEqual([90, 30, 2, 5, 4, 3]);
    expect(four.normalization.mean).toHaveLength(2);
    expect(four.normalization.std.every((s) => s > 0)).toBe(true);

    const two = loadRunDataset(`idx:${f('tr-x.gz')}, ${f('tr-y.gz')}`);
    expect([two.train.n, two.test.n]).toEqual([75, 15]);
    expect(classCounts(two.test)).toEqual([5, 5, 5]);
    expect(loadRunDataset(`idx:${f('tr-x.gz')},${f('tr-y.gz')}`).test.labels).toEqual(two.test.labels);

    expect(() => loadRunDataset(`idx:${f('tr-x.gz')},${f('tr-y.gz')},${f('te-x')}`)).toThrow(
      /takes 2 files .* or 4 .*got 3/,
    );
    const other = syntheticDataset({ n: 10, classes: 3, channels: 1, height: 5, width: 4 }, new Rng(2));
    writeIdxDataset(other, f('o-x'), f('o-y'));
    expect(() => loadRunDataset(`idx:${f('tr-x.gz')},${f('tr-y.gz')},${f('o-x')},${f('o-y')}`)).toThrow(
      /test images are 1×5×4 but training images are 2×5×4/,
    );
    expect(() => loadRunDataset(`idx:${f('missing')},${f('tr-y.gz')}`)).toThrow(/missing/);
  });

  it('reads CIFAR-100 binaries (fine labels) with crop+flip augmentation', () => {
    const n = 40;
    const images = syntheticDataset({ n, classes: 100, channels: 3, height: 32, width: 32 }, new Rng(3));
    const ds = makeDataset({
      ...images,
      classes: 100,
      coarseLabels: Int32Array.from(images.labels, (l) => l % 20),
    });
    writeFileSync(
      join(dir, 'c100-train.bin'),
      encodeCifar(
        subset(
          ds,
          Array.from({ length: 30 }, (_, i) => i),
        ),
        'cifar100',
      ),
    );
    writeFileSync(
      join(dir, 'c100-test.bin'),
      encodeCifar(
        subset(
          ds,
          Array.from({ length: 10 }, (_, i) => 30 + i),
        ),
        'cifar100',
      ),
    );
    const c = loadRunDataset(
      `cifar100:${join(dir, 'c100-train.bin')}+${join(dir, 'c100-train.bin')},${join(dir, 'c100-test.bin')}`,
    );
    expect([c.train.n, c.test.n, c.train.classes, c.cropFlipPadding]).toEqual([60, 10, 100, 4]);
    expect(Array.from(c.test.labels)).toEqual(Array.from(ds.labels.subarray(30)));
    expect(() => loadRunDataset('cifar100:')).toThrow(/cifar100: takes TRAIN\.bin\[,TEST\.bin\]/);
  });

  it('names the allowed datasets for an unknown one', () => {
    expect(() => loadRunDataset('svhn')).toThrow(
      /field 'dataset' = "svhn": unknown dataset; allowed: fashion-mnist, mnist, cifar10 .*cifar100:.*idx:/,
    );
    expect(() => loadRunDataset('mnist:x')).toThrow(/unknown dataset/);
  });

  it('splits validation off the training set, stratified and seeded', () => {
    const train = syntheticDataset({ n: 200, classes: 4, channels: 1, height: 2, width: 2 }, new Rng(4));
    const a = validationSplit(train, 40, new Rng(9));
    const b = validationSplit(train, 40, new Rng(9));
    expect([a.trainPart.n, a.val.n]).toEqual([160, 40]);
    expect(classCounts(a.val)).toEqual([10, 10, 10, 10]);
    expect(a.val.pixels).toEqual(b.val.pixels);
    expect(stratifiedSubset(a.trainPart, 20, new Rng(1), 's').n).toBe(20);
    expect(stratifiedSubset(a.trainPart, 500, new Rng(1), 's')).toBe(a.trainPart);
  });

  const shared = testDataDir();
  it.skipIf(!shared)('loads MNIST and CIFAR-10 from the shared data folder (skipped without it)', () => {
    const mnist = loadRunDataset('mnist', shared!);
    expect([mnist.train.n, mnist.test.n, mnist.train.channels]).toEqual([60000, 3000, 1]);
    const cifar = loadRunDataset('cifar10', shared!);
    expect([cifar.train.n, cifar.test.n, cifar.train.channels, cifar.cropFlipPadding]).toEqual([
      10000, 1000, 3, 4,
    ]);
  });
});
