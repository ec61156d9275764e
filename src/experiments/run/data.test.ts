import { describe, expect, it } from 'vitest';
import { classCounts } from '../../data/dataset.js';
import { syntheticDataset } from '../../data/synthetic.js';
import { Rng } from '../../util/rng.js';
import { stratifiedSubset, validationSplit } from './data.js';

describe('run splits', () => {
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
});
