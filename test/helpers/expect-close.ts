/** Elementwise comparison of op outputs against plain TypeScript reference values. */
import { expect } from 'vitest';

export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol = 1e-5,
  what = 'output',
): void {
  expect(actual.length, `${what}: number of values`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok = (Number.isNaN(e) && Number.isNaN(a)) || Math.abs(a - e) <= tol * (1 + Math.abs(e));
    expect(ok, `${what}[${i}]: got ${a}, expected ${e}`).toBe(true);
  }
}
