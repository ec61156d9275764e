import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { mul } from './mul.js';
import { slice } from './slice.js';

const opts = { dtype: 'float64' as const };

/** numpy-style reference: the indices a slice takes along one axis of length n. */
function taken(n: number, start: number, end: number, step: number): number[] {
  const out: number[] = [];
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), n);
    e = Math.min(Math.max(e, 0), n);
    for (let i = s; i < e; i += step) out.push(i);
  } else {
    s = Math.min(Math.max(s, 0), n - 1);
    e = Math.min(Math.max(e, -1), n - 1);
    for (let i = s; i > e; i += step) out.push(i);
  }
  return out;
}

describe('slice', () => {
  const values = Array.from({ length: 6 * 7 }, (_, i) => i);
  const cases: [string, number[], number[], number[], number[]][] = [
    ['unit steps', [0, 1], [1, -5], [5, 100], [1, 1]],
    ['strided', [0, 1], [1, 0], [6, 7], [2, 3]],
    ['reversed', [1], [-1], [-100], [-1]],
    ['reversed strided', [0, 1], [4, 6], [0, -100], [-2, -3]],
    ['empty', [1], [3], [3], [1]],
  ];
  for (const [name, axes, starts, ends, steps] of cases) {
    it(`forward: ${name}`, async () => {
      const r = await runOp((x) => slice(x!, axes, starts, ends, steps), [{ shape: [6, 7], values }]);
      const rows = axes.includes(0)
        ? taken(6, starts[axes.indexOf(0)]!, ends[axes.indexOf(0)]!, steps[axes.indexOf(0)]!)
        : [0, 1, 2, 3, 4, 5];
      const cols = axes.includes(1)
        ? taken(7, starts[axes.indexOf(1)]!, ends[axes.indexOf(1)]!, steps[axes.indexOf(1)]!)
        : [0, 1, 2, 3, 4, 5, 6];
      expect(r.shapes[0]).toEqual([rows.length, cols.length]);
      expect(r.outputs[0]).toEqual(rows.flatMap((i) => cols.map((j) => values[i * 7 + j]!)));
    });
    if (name !== 'empty') {
      it(`gradient: ${name}`, () =>
        checkGrad((x) => slice(x!, axes, starts, ends, steps), [{ shape: [6, 7] }], {
          ...opts,
          samples: 42,
        }));
    }
  }
  it('gradient: 4-D strided on spatial axes (factorized-reduce style)', () =>
    checkGrad((x) => slice(x!, [2, 3], [1, 1], [5, 5], [2, 2]), [{ shape: [2, 2, 5, 5] }], opts));
  it('gradient: aliased x * slice(x) after a reversal', () =>
    checkGrad((x) => mul(slice(x!, [0], [-1], [-100], [-1]), x!), [{ shape: [5] }], opts));
  it('rejects inconsistent arguments and step 0', () => {
    const g = new Graph();
    const x = g.input('x', [4]);
    expect(() => slice(x, [0], [0, 1], [2])).toThrow(/one entry per axis/);
    expect(() => slice(x, [0], [0], [2], [0])).toThrow(/step on axis 0 must be a nonzero integer/);
  });
});
