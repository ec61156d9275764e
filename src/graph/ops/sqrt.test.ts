import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { sqrt } from './sqrt.js';

const opts = { dtype: 'float64' as const };

describe('sqrt', () => {
  it('matches the reference forward', async () => {
    const values = [0, 0.25, 1, 2, 9, 1e6];
    const { outputs, shapes } = await runOp((x) => sqrt(x!), [{ shape: [2, 3], values }], opts);
    expect(shapes[0]).toEqual([2, 3]);
    expectClose(
      outputs[0]!,
      values.map((v) => Math.sqrt(v)),
      1e-12,
    );
  });

  it('gradient matches finite differences', () =>
    checkGrad(
      (x) => sqrt(x!),
      [{ shape: [3, 4], values: [0.2, 0.61, 1.02, 1.43, 1.84, 2.25, 2.66, 3.07, 3.48, 3.89, 4.3, 4.71] }],
      opts,
    ));

  it('gradient in float32', () =>
    checkGrad((x) => sqrt(x!), [{ shape: [5], values: [0.5, 0.8, 1.1, 2, 3.5] }]));

  it('rejects integer input at build time', () => {
    const g = new Graph();
    expect(() => sqrt(g.input('i', [2], 'int64'))).toThrow(
      /Sqrt.*needs a float32 or float64 tensor, got int64/,
    );
  });
});
