import { describe, expect, it } from 'vitest';
import { ranks } from './bananas.js';

describe('BANANAS rank target', () => {
  it('maps values to their rank scaled to 0..1, ties sharing their mean rank', () => {
    const r = ranks(Float64Array.from([91.5, 10, 90, 90, 91]));
    expect(Array.from(r)).toEqual([1, 0, 0.375, 0.375, 0.75]);
  });

  it('is unmoved by how far below the rest an outlier lies', () => {
    expect(ranks(Float64Array.from([10, 90, 91]))).toEqual(ranks(Float64Array.from([89.9, 90, 91])));
  });
});
