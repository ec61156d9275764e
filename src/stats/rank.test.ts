import { describe, expect, it } from 'vitest';
import { averageRanks, scaledRanks } from './rank.js';

describe('ranks', () => {
  it('average ranks share tied positions', () => {
    expect([...averageRanks([10, 20, 20, 5])]).toEqual([2, 3.5, 3.5, 1]);
    expect([...averageRanks([10, 30, 20, 30])]).toEqual([1, 3.5, 2, 3.5]);
  });

  it('scaled ranks map values to 0..1, ties sharing their mean rank', () => {
    expect(Array.from(scaledRanks(Float64Array.from([91.5, 10, 90, 90, 91])))).toEqual([
      1, 0, 0.375, 0.375, 0.75,
    ]);
    expect(Array.from(scaledRanks([7]))).toEqual([0]);
  });

  it('scaled ranks are unmoved by how far below the rest an outlier lies', () => {
    expect(scaledRanks(Float64Array.from([10, 90, 91]))).toEqual(
      scaledRanks(Float64Array.from([89.9, 90, 91])),
    );
  });
});
