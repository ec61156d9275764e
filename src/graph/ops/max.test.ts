import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { max } from './max.js';
import { min } from './min.js';

const opts = { dtype: 'float64' as const };

describe('max and min (elementwise, n-ary)', () => {
  it('forward with broadcasting and a number', async () => {
    const a = [1, -2, 3, 0.5, 5, -6];
    const b = [2, 0, -1];
    const inputs = [
      { shape: [2, 3], values: a },
      { shape: [3], values: b },
    ];
    const mx = await runOp((x, y) => max([x!, y!, 1.5]), inputs);
    expect(mx.outputs[0]).toEqual(a.map((v, i) => Math.max(v, b[i % 3]!, 1.5)));
    const mn = await runOp((x, y) => min([x!, y!]), inputs);
    expect(mn.outputs[0]).toEqual(a.map((v, i) => Math.min(v, b[i % 3]!)));
  });
  it('max gradient with broadcasting (no ties)', () =>
    checkGrad((a, b) => max([a!, b!]), [{ shape: [2, 3] }, { shape: [3] }], opts));
  it('min gradient, three operands', () =>
    checkGrad((a, b, c) => min([a!, b!, c!]), [{ shape: [4] }, { shape: [4] }, { shape: [1] }], opts));
  it('aliased max(x, x) passes the gradient once (split among ties)', () =>
    checkGrad((a) => max([a!, a!]), [{ shape: [5] }], opts));
  it('aliased min(x, x, 0.25) splits ties and masks the constant', () =>
    checkGrad((a) => min([a!, a!, 0.25]), [{ shape: [6], values: [-1, 0.1, 0.2, 0.5, 2, -0.3] }], opts));
});
