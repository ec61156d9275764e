import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { mul } from './mul.js';
import { reduceMean } from './reduce-mean.js';

const opts = { dtype: 'float64' as const };

describe('reduceMean', () => {
  const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
  it('forward over one axis, several axes and all, with and without keepdims', async () => {
    const a = await runOp((x) => reduceMean(x!, [1]), [{ shape: [2, 3, 2], values }], opts);
    expect(a.shapes[0]).toEqual([2, 2]);
    expectClose(a.outputs[0]!, [3, 4, 9, 10], 1e-14);
    const b = await runOp((x) => reduceMean(x!, [0, -1], true), [{ shape: [2, 3, 2], values }], opts);
    expect(b.shapes[0]).toEqual([1, 3, 1]);
    expectClose(b.outputs[0]!, [(1 + 2 + 7 + 8) / 4, (3 + 4 + 9 + 10) / 4, (5 + 6 + 11 + 12) / 4], 1e-14);
    const c = await runOp((x) => reduceMean(x!), [{ shape: [2, 3, 2], values }], opts);
    expect(c.shapes[0]).toEqual([]);
    expectClose(c.outputs[0]!, [6.5], 1e-14);
  });
  it('gradient over axes', () => checkGrad((x) => reduceMean(x!, [0, 2]), [{ shape: [2, 3, 4] }], opts));
  it('gradient over all axes, keepdims', () =>
    checkGrad((x) => reduceMean(x!, [], true), [{ shape: [3, 2] }], opts));
  it('gradient aliased x * mean(x)', () =>
    checkGrad((x) => mul(x!, reduceMean(x!, [1], true)), [{ shape: [2, 3] }], opts));
});
