import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { flatten } from './flatten.js';

describe('flatten', () => {
  it('shapes for axis 0, 1, -1 and rank', async () => {
    const g = new Graph();
    const x = g.input('x', [2, 3, 4]);
    expect(flatten(x).shape).toEqual([2, 12]);
    expect(flatten(x, 0).shape).toEqual([1, 24]);
    expect(flatten(x, -1).shape).toEqual([6, 4]);
    expect(flatten(x, 3).shape).toEqual([24, 1]);
    expect(() => flatten(x, 4)).toThrow(/axis 4 is out of range for \[2, 3, 4\]/);
    const values = Array.from({ length: 24 }, (_, i) => i);
    const r = await runOp((t) => flatten(t!, 2), [{ shape: [2, 3, 4], values }]);
    expect(r.outputs[0]).toEqual(values);
  });
  it('gradient', () => checkGrad((x) => flatten(x!, 2), [{ shape: [2, 3, 2] }], { dtype: 'float64' }));
});
