import { describe, expect, it } from 'vitest';
import { corrcoef, logAbsDet, symmetricEigenvalues } from './linalg.js';

describe('proxy linear algebra', () => {
  it('corrcoef correlates rows like numpy', () => {
    const c = corrcoef([1, 2, 3, 4, 2, 4, 6, 8.5, 4, 3, 2, 1], 3, 4);
    expect(c[0]).toBeCloseTo(1, 12);
    expect(c[1]).toBeCloseTo(0.9983814394570298, 12); // numpy.corrcoef
    expect(c[2]).toBeCloseTo(-1, 12);
    expect(c[3]).toBe(c[1]);
  });

  it('finds the eigenvalues of a symmetric matrix', () => {
    // [[2, 1], [1, 2]] has eigenvalues 1 and 3; a diagonal block adds 5.
    const v = symmetricEigenvalues([2, 1, 0, 1, 2, 0, 0, 0, 5], 3);
    expect(Array.from(v).map((x) => Number(x.toFixed(10)))).toEqual([1, 3, 5]);
    const trace = [4, 1, 2, 1, 3, 0.5, 2, 0.5, 6];
    const w = symmetricEigenvalues(trace, 3);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(13, 10);
    expect(Math.exp(logAbsDet(trace, 3))).toBeCloseTo(w[0]! * w[1]! * w[2]!, 8);
  });

  it('log|det| with pivoting, -Infinity when singular', () => {
    expect(logAbsDet([0, 2, 3, 0], 2)).toBeCloseTo(Math.log(6), 12);
    expect(logAbsDet([1, 2, 2, 4], 2)).toBe(-Infinity);
  });
});
