import { describe, expect, it } from 'vitest';
import { epsilonScore, rescaleMasked } from './epsilon-formula.js';

describe('epsilon formula', () => {
  it('rescales each vector to [0, 1] and drops its minimum', () => {
    const r = rescaleMasked([2, 4, 3, 2]);
    expect(Number.isNaN(r[0]!)).toBe(true);
    expect(Number.isNaN(r[3]!)).toBe(true);
    expect(r[1]).toBe(1);
    expect(r[2]).toBe(0.5);
  });

  it('is mean |a - b| over positions where both are present, divided by the mean of all present entries', () => {
    // a -> [NaN, 1, 0.5, 0.25], b -> [1, NaN, 0.5, 0.5] (min of b is at index 1).
    const eps = epsilonScore([0, 4, 2, 1], [2, 0, 1, 1]);
    const diff = (0 + 0.25) / 2;
    const mean = (1 + 0.5 + 0.25 + 1 + 0.5 + 0.5) / 6;
    expect(eps).toBeCloseTo(diff / mean, 12);
  });

  it('is NaN when an output vector is constant (0/0 in the rescaling), as in the paper', () => {
    expect(Number.isNaN(epsilonScore([0, 0, 0], [1, 2, 3]))).toBe(true);
    expect(Number.isNaN(epsilonScore([1, 2, 3], [5, 5, 5]))).toBe(true);
  });

  it('is 0 for outputs that are affine images of each other, and ignores NaN entries like nanmin', () => {
    expect(epsilonScore([1, 2, 3, 4], [10, 30, 50, 70])).toBe(0);
    expect(epsilonScore([1, Number.NaN, 3, 4], [10, 30, 50, 70])).toBeCloseTo(0, 12);
  });

  it('drops every entry tied with the minimum, and rescales in float32', () => {
    // 1 + 2^-30 rounds to 1 in float32 (the outputs are float32), so it ties with the minimum.
    const r = rescaleMasked(Float32Array.from([1, 1 + 2 ** -30, 2]));
    expect(Number.isNaN(r[1]!)).toBe(true);
    // (1.1 - 1) / 1 in float32 differs from the float64 quotient.
    expect(rescaleMasked(Float32Array.from([1, 1.1, 2]))[1]).toBe(Math.fround(Math.fround(1.1) - 1));
  });
});
