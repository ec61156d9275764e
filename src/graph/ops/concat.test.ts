import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { concat } from './concat.js';
import { mul } from './mul.js';

const opts = { dtype: 'float64' as const };

describe('concat', () => {
  it('forward along axis 1', async () => {
    const r = await runOp(
      (a, b) => concat([a!, b!], 1),
      [
        { shape: [2, 1], values: [1, 2] },
        { shape: [2, 2], values: [3, 4, 5, 6] },
      ],
    );
    expect(r.shapes[0]).toEqual([2, 3]);
    expect(r.outputs[0]).toEqual([1, 3, 4, 2, 5, 6]);
  });
  it('gradient, three inputs on a middle axis', () =>
    checkGrad(
      (a, b, c) => concat([a!, b!, c!], 1),
      [{ shape: [2, 1, 3] }, { shape: [2, 2, 3] }, { shape: [2, 3, 3] }],
      opts,
    ));
  it('gradient, aliased concat([x, x]) and a negative axis', () =>
    checkGrad((a, b) => mul(concat([a!, b!, a!], -1), 2), [{ shape: [2, 2] }, { shape: [2, 1] }], opts));
  it('gradient with an input that needs none (constant)', () =>
    checkGrad(
      (a) => concat([a!.graph.constant(Float64Array.from([1, 2]), [2]), a!], 0),
      [{ shape: [3] }],
      opts,
    ));
  it('rejects mismatched shapes naming them', () => {
    const g = new Graph();
    expect(() => concat([g.input('a', [2, 3]), g.input('b', [3, 3])], 1)).toThrow(
      /\[3, 3\] does not match \[2, 3\]/,
    );
  });
});
