import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { grad } from '../autodiff.js';
import { abs } from './abs.js';
import { mul } from './mul.js';
import { sign } from './sign.js';

const opts = { dtype: 'float64' as const };

describe('abs and sign', () => {
  it('forward matches Math.abs / Math.sign', async () => {
    const values = [-2.5, -0, 0, 0.5, 3, -1e-9];
    const a = await runOp((x) => abs(x!), [{ shape: [6], values }], opts);
    expect(a.outputs[0]).toEqual(values.map((v) => Math.abs(v)));
    const s = await runOp((x) => sign(x!), [{ shape: [6], values }], opts);
    expect(s.outputs[0]).toEqual(values.map((v) => (v === 0 ? 0 : Math.sign(v))));
  });

  it('abs gradient away from 0', () =>
    checkGrad((x) => abs(x!), [{ shape: [6], values: [-2, -0.7, -0.1, 0.2, 0.9, 3] }], opts));

  it('abs aliased with mul (x * |x|)', () =>
    checkGrad((x) => mul(x!, abs(x!)), [{ shape: [5], values: [-2, -0.7, 0.2, 0.9, 3] }], opts));

  it('sign is non-differentiable: a loss through it alone has no gradient path', () => {
    const g = new Graph();
    const x = g.input('x', [3], 'float64');
    expect(() => grad(mul(sign(x), 2), [x])).toThrow(/does not depend on x/);
  });
});
