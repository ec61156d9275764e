import { describe, expect, it } from 'vitest';
import { failuresAsWorst, finitePairs } from './non-finite.js';

describe('non-finite policy', () => {
  it('failures become one value below every finite one, tied together', () => {
    expect(Array.from(failuresAsWorst([3, Number.NaN, 1, Infinity]))).toEqual([3, 0, 1, 0]);
    expect(Array.from(failuresAsWorst([-5, -Infinity]))).toEqual([-5, -10]);
    expect(Array.from(failuresAsWorst([Number.NaN, Number.NaN]))).toEqual([0, 0]);
  });

  it('applies the policy to both lists', () => {
    const a = [1, Number.NaN, 3];
    const b = [4, 5, Infinity];
    expect(finitePairs(a, b, 'test', { nonFinite: 'drop' })).toEqual({ x: [1], y: [4] });
    const worst = finitePairs(a, b, 'test', { nonFinite: 'worst' });
    expect([Array.from(worst.x), Array.from(worst.y)]).toEqual([
      [1, 0, 3],
      [4, 5, 0],
    ]);
    expect(() => finitePairs(a, b, 'test', { nonFinite: 'throw' })).toThrow(
      /test: entry 1 of the first list is NaN/,
    );
  });
});
