import { describe, expect, it } from 'vitest';
import { runOp } from '../../../test/helpers/gradcheck.js';
import { equal } from './equal.js';
import { less } from './less.js';
import { Equal } from './equal.js';
import { Less } from './less.js';

describe('equal and less', () => {
  it('compare elementwise with broadcasting, giving bool', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [2, 5, 3];
    const inputs = [
      { shape: [2, 3], values: a },
      { shape: [3], values: b },
    ];
    const eq = await runOp((x, y) => equal(x!, y!), inputs);
    expect(eq.outputs[0]).toEqual(a.map((v, i) => Number(v === b[i % 3])));
    const lt = await runOp((x, y) => less(x!, y!), inputs);
    expect(lt.outputs[0]).toEqual(a.map((v, i) => Number(v < b[i % 3]!)));
  });
  it('work on int64 and are marked non-differentiable', async () => {
    const r = await runOp((x) => equal(x!, 2), [{ shape: [3], values: [1, 2, 3], dtype: 'int64' }]);
    expect(r.outputs[0]).toEqual([0, 1, 0]);
    expect(Equal.nonDifferentiable).toBe(true);
    expect(Less.nonDifferentiable).toBe(true);
  });
});
