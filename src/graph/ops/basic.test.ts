import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { add } from './add.js';
import { sub } from './sub.js';
import { mul } from './mul.js';
import { neg } from './neg.js';
import { relu } from './relu.js';
import { reduceSum } from './reduce-sum.js';
import { reshape } from './reshape.js';
import { expand } from './expand.js';
import { where } from './where.js';
import { greater } from './greater.js';

describe('basic ops: forward', () => {
  it('add broadcasts', async () => {
    const { outputs, shapes } = await runOp(
      (a, b) => add(a!, b!),
      [
        { shape: [2, 3], values: [1, 2, 3, 4, 5, 6] },
        { shape: [3], values: [10, 20, 30] },
      ],
    );
    expect(shapes[0]).toEqual([2, 3]);
    expect(Array.from(outputs[0]!)).toEqual([11, 22, 33, 14, 25, 36]);
  });

  it('relu, where, greater', async () => {
    const { outputs } = await runOp((x) => relu(x!), [{ shape: [4], values: [-1, 0, 2, -3] }]);
    expect(Array.from(outputs[0]!)).toEqual([0, 0, 2, 0]);
    const sel = await runOp((x) => where(greater(x!, 0), x!, 5), [{ shape: [3], values: [-1, 2, 0] }]);
    expect(Array.from(sel.outputs[0]!)).toEqual([5, 2, 5]);
  });

  it('reduceSum with and without keepdims, reshape', async () => {
    const v = [1, 2, 3, 4, 5, 6];
    const a = await runOp((x) => reduceSum(x!, [1], true), [{ shape: [2, 3], values: v }]);
    expect(a.shapes[0]).toEqual([2, 1]);
    expect(Array.from(a.outputs[0]!)).toEqual([6, 15]);
    const b = await runOp((x) => reduceSum(x!), [{ shape: [2, 3], values: v }]);
    expect(b.shapes[0]).toEqual([]);
    expect(Array.from(b.outputs[0]!)).toEqual([21]);
    const c = await runOp((x) => reshape(x!, [3, -1]), [{ shape: [2, 3], values: v }]);
    expect(c.shapes[0]).toEqual([3, 2]);
  });

  it('rejects incompatible broadcasts naming both shapes', () => {
    return expect(runOp((a, b) => add(a!, b!), [{ shape: [2, 3] }, { shape: [4] }])).rejects.toThrow(
      /\[2, 3\] and \[4\] do not broadcast/,
    );
  });
});

describe('basic ops: gradients (float64 central differences)', () => {
  const opts = { dtype: 'float64' as const };
  it('add with broadcasting', () =>
    checkGrad((a, b) => add(a!, b!), [{ shape: [2, 3, 4] }, { shape: [3, 1] }], opts));
  it('sub with broadcasting', () =>
    checkGrad((a, b) => sub(a!, b!), [{ shape: [4] }, { shape: [2, 4] }], opts));
  it('mul with broadcasting', () =>
    checkGrad((a, b) => mul(a!, b!), [{ shape: [2, 3] }, { shape: [1, 3] }], opts));
  it('mul aliased (x * x)', () => checkGrad((a) => mul(a!, a!), [{ shape: [5] }], opts));
  it('neg', () => checkGrad((a) => neg(a!), [{ shape: [3, 2] }], opts));
  it('relu away from the kink', () =>
    checkGrad((a) => relu(a!), [{ shape: [8], values: [-2, -1, -0.5, 0.3, 0.7, 1.5, -3, 2] }], opts));
  it('reduceSum over an axis', () => checkGrad((a) => reduceSum(a!, [0, 2]), [{ shape: [2, 3, 4] }], opts));
  it('reshape', () => checkGrad((a) => reshape(a!, [6, 2]), [{ shape: [3, 4] }], opts));
  it('expand', () => checkGrad((a) => expand(a!, [2, 3, 4]), [{ shape: [3, 1] }], opts));
  it('where', () =>
    checkGrad(
      (a, b) => where(greater(a!, 0), a!, b!),
      [{ shape: [6], values: [-1, 2, -3, 4, 0.5, -0.5] }, { shape: [6] }],
      opts,
    ));
  it('float32 path with the float32 tolerance', () =>
    checkGrad((a, b) => mul(add(a!, b!), a!), [{ shape: [4] }, { shape: [4] }]));
});
