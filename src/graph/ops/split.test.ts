import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { split } from './split.js';

const opts = { dtype: 'float64' as const };

describe('split', () => {
  it('forward along axis 1 with unequal parts', async () => {
    const r = await runOp((a) => split(a!, [1, 2], 1)[1]!, [{ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }]);
    expect(r.shapes[0]).toEqual([2, 2]);
    expect(r.outputs[0]).toEqual([2, 3, 5, 6]);
  });
  it('gradient, every part used', () =>
    checkGrad(
      (a) => {
        const [p, q, s] = split(a!, [2, 1, 2], 1);
        return add(add(mul(p!, 2), mul(s!, 3)), q!);
      },
      [{ shape: [2, 5, 3] }],
      opts,
    ));
  it('gradient with a part nobody uses', () =>
    checkGrad((a) => mul(split(a!, [1, 3], -1)[1]!, 2), [{ shape: [2, 4] }], opts));
  it('rejects sizes that do not cover the axis', () => {
    const g = new Graph();
    expect(() => split(g.input('a', [2, 3]), [1, 1], 1)).toThrow(/must be positive and add up/);
  });
});
