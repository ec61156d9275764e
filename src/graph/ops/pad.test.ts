import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { pad } from './pad.js';

const opts = { dtype: 'float64' as const };

describe('pad', () => {
  it('pads with a value and crops with negative pads', async () => {
    const r = await runOp((x) => pad(x!, [1, 0, 0, 2], 9), [{ shape: [2, 2], values: [1, 2, 3, 4] }]);
    expect(r.shapes[0]).toEqual([3, 4]);
    expect(r.outputs[0]).toEqual([9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9]);
    const c = await runOp((x) => pad(x!, [0, -1, 1, 0]), [{ shape: [2, 3], values: [1, 2, 3, 4, 5, 6] }]);
    expect(c.shapes[0]).toEqual([3, 2]);
    expect(c.outputs[0]).toEqual([2, 3, 5, 6, 0, 0]);
  });
  it('gradient, padding', () => checkGrad((x) => pad(x!, [1, 0, 2, 1, 2, 0]), [{ shape: [2, 3, 2] }], opts));
  it('gradient, mixed padding and cropping', () =>
    checkGrad((x) => pad(x!, [-1, 2, 1, -2]), [{ shape: [3, 4] }], opts));
  it('rejects pads that crop below zero', () => {
    const g = new Graph();
    expect(() => pad(g.input('x', [2, 2]), [0, -2, 0, -1])).toThrow(/crop \[2, 2\] below zero/);
  });
});
