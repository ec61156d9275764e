import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { classCounts } from './dataset.js';
import { syntheticDataset } from './synthetic.js';

describe('syntheticDataset', () => {
  it('is deterministic per seed, balanced, and class-separable', () => {
    const opts = { n: 60, classes: 3, channels: 2, height: 6, width: 6 };
    const a = syntheticDataset(opts, new Rng(1));
    expect(syntheticDataset(opts, new Rng(1))).toEqual(a);
    expect(syntheticDataset(opts, new Rng(2)).pixels).not.toEqual(a.pixels);
    expect(classCounts(a)).toEqual([20, 20, 20]);
    // Nearest class mean (from the even images) classifies the odd images.
    const per = 72;
    const means = Array.from({ length: 3 }, () => new Float64Array(per));
    for (let i = 0; i < a.n; i += 2)
      for (let j = 0; j < per; j++) means[a.labels[i]!]![j]! += a.pixels[i * per + j]! / 10;
    let correct = 0;
    for (let i = 1; i < a.n; i += 2) {
      const d = means.map((m) => m.reduce((s, v, j) => s + (v - a.pixels[i * per + j]!) ** 2, 0));
      if (d.indexOf(Math.min(...d)) === a.labels[i]) correct++;
    }
    expect(correct).toBe(30);
  });

  it('rejects bad sizes', () => {
    expect(() => syntheticDataset({ n: 0, classes: 2 }, new Rng(0))).toThrow(/positive integers/);
  });
});
