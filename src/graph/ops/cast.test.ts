import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { grad } from '../autodiff.js';
import { cast } from './cast.js';
import { mul } from './mul.js';
import { Cast } from './cast.js';
import { attr } from '../graph.js';

describe('cast', () => {
  it('forward: float to int64 truncates, bool to float', async () => {
    const a = await runOp((x) => cast(x!, 'int64'), [{ shape: [4], values: [1.7, -1.7, 0, 3] }]);
    expect(a.outputs[0]).toEqual([1, -1, 0, 3]);
    const b = await runOp((x) => cast(x!, 'float32'), [{ shape: [3], values: [1, 0, 1], dtype: 'bool' }]);
    expect(b.outputs[0]).toEqual([1, 0, 1]);
  });

  it('float64 -> float32 -> float64 passes the gradient through', () =>
    checkGrad((x) => cast(mul(cast(x!, 'float32'), 2), 'float64'), [{ shape: [4] }], {
      dtype: 'float64',
      // the float32 stage limits precision
      eps: 1e-3,
      atol: 1e-4,
      rtol: 1e-4,
    }));

  it('a cast to int64 stops the gradient (no path to x)', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    const y = cast(cast(x, 'int64'), 'float32');
    expect(() => grad(mul(y, 2), [x])).toThrow(/does not depend on x/);
  });

  it('rejects an unknown target dtype code', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    expect(() => g.apply1(Cast, [x], { to: attr.int(16) })).toThrow(
      /'to' = 16 is not a dtype naskit supports/,
    );
  });
});
