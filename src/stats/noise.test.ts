import { describe, expect, it } from 'vitest';
import { pairedStandardError, standardError } from './noise.js';

describe('measurement noise', () => {
  it('standard error is the sample std over √n', () => {
    // values 1..4: mean 2.5, sample variance 5/3
    expect(standardError([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3 / 4), 12);
    expect(standardError([7])).toBeNaN();
  });

  it('paired error cancels what both share', () => {
    const shared = [0.3, 2.1, 0.9, 4.2, 1.7, 0.2];
    const a = shared.map((x) => x + 0.1);
    const b = shared.map((x, i) => x + (i % 2 ? 0.02 : -0.02));
    expect(pairedStandardError(a, b)).toBeLessThan(standardError(a) / 10);
    expect(pairedStandardError(a, a)).toBe(0);
    expect(() => pairedStandardError([1, 2], [1])).toThrow(/equal lengths/);
  });
});
