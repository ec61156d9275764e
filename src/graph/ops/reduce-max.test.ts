import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { grad } from '../autodiff.js';
import { Program } from '../../runtime/session.js';
import { mul } from './mul.js';
import { reduceMax } from './reduce-max.js';

const opts = { dtype: 'float64' as const };

describe('reduceMax', () => {
  const values = [1, 9, 3, 4, -5, 6, 7, 8, -9, 10, 11, 2];
  it('forward over an axis and over all', async () => {
    const a = await runOp((x) => reduceMax(x!, [1]), [{ shape: [2, 3, 2], values }], opts);
    expect(a.shapes[0]).toEqual([2, 2]);
    // Reference: max over the middle axis of [2, 3, 2].
    const ref = [0, 1].flatMap((i) =>
      [0, 1].map((k) => Math.max(...[0, 1, 2].map((j) => values[i * 6 + j * 2 + k]!))),
    );
    expect(a.outputs[0]).toEqual(ref);
    const b = await runOp((x) => reduceMax(x!, [], true), [{ shape: [2, 3, 2], values }], opts);
    expect(b.shapes[0]).toEqual([1, 1, 1]);
    expect(b.outputs[0]).toEqual([Math.max(...values)]);
  });
  it('gradient over an axis (distinct values)', () =>
    checkGrad((x) => reduceMax(x!, [1]), [{ shape: [3, 4] }], opts));
  it('gradient over all axes, and aliased x * max(x)', async () => {
    await checkGrad((x) => reduceMax(x!), [{ shape: [2, 3] }], opts);
    await checkGrad((x) => mul(x!, reduceMax(x!, [0], true)), [{ shape: [3, 2] }], opts);
  });
  it('ties split the gradient evenly', async () => {
    const g = new Graph('ties');
    const x = g.input('x', [2, 3], 'float64');
    const [dx] = grad(reduceMax(x, [1]), [x]);
    const p = await Program.compile(g, [dx!], { threads: 1 });
    const out = await p.run({ x: Float64Array.from([2, 5, 5, 1, 1, 1]) });
    await p.release();
    expect(Array.from(out[p.model.outputNames[0]!] as Float64Array)).toEqual([
      0,
      0.5,
      0.5,
      1 / 3,
      1 / 3,
      1 / 3,
    ]);
  });
});
