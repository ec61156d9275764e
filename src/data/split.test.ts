import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { classCounts } from './dataset.js';
import { splitDataset, splitIndices } from './split.js';
import { syntheticDataset } from './synthetic.js';

describe('splits', () => {
  const labels = Int32Array.from({ length: 103 }, (_, i) => (i < 60 ? 0 : i < 90 ? 1 : 2)); // 60 / 30 / 13

  it('stratified: exact total, class proportions kept, disjoint and complete', () => {
    const { train, val } = splitIndices(labels, 3, { val: 0.2 }, new Rng(1));
    expect(val.length).toBe(21);
    expect(train.length).toBe(82);
    const valCounts = [0, 0, 0];
    for (const i of val) valCounts[labels[i]!]!++;
    expect(valCounts).toEqual([12, 6, 3]); // 12 + 6 + 2.6 → largest remainder gives class 2 the extra one
    expect(new Set([...train, ...val]).size).toBe(103);
    expect([...val]).toEqual([...val].sort((a, b) => a - b));
  });

  it('is deterministic per seed and differs across seeds', () => {
    const a = splitIndices(labels, 3, { val: 10, stratified: false }, new Rng(5));
    expect(splitIndices(labels, 3, { val: 10, stratified: false }, new Rng(5))).toEqual(a);
    expect(splitIndices(labels, 3, { val: 10, stratified: false }, new Rng(6)).val).not.toEqual(a.val);
    expect(a.val.length).toBe(10);
  });

  it('splitDataset copies the subsets', () => {
    const ds = syntheticDataset({ n: 50, classes: 5, channels: 1, height: 2, width: 2 }, new Rng(2));
    const { train, val } = splitDataset(ds, { val: 0.2 }, new Rng(3));
    expect(classCounts(val)).toEqual([2, 2, 2, 2, 2]);
    expect(train.n + val.n).toBe(50);
    const i = splitIndices(ds.labels, 5, { val: 0.2 }, new Rng(3)).val[0]!;
    expect(val.pixels.subarray(0, 4)).toEqual(ds.pixels.subarray(i * 4, i * 4 + 4));
  });

  it('refuses impossible sizes', () => {
    expect(() => splitIndices(labels, 3, { val: 103 }, new Rng(0))).toThrow(/count in \[1, 102\]/);
    expect(() => splitIndices(labels, 3, { val: 0 }, new Rng(0))).toThrow(/val must be/);
  });
});
