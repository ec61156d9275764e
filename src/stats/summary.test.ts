import { describe, expect, it } from 'vitest';
import { meanStd, median } from './summary.js';

describe('summaries', () => {
  it('meanStd uses the sample standard deviation', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(5 / 3), n: 4 });
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0, n: 1 });
    expect(meanStd([])).toEqual({ mean: Number.NaN, std: Number.NaN, n: 0 });
  });

  it('median', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
