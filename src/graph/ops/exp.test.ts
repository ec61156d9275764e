import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { exp } from './exp.js';

const opts = { dtype: 'float64' as const };

describe('exp', () => {
  it('matches the reference forward', async () => {
    const values = [-3, -0.5, 0, 0.3, 1, 4];
    const { outputs, shapes } = await runOp((x) => exp(x!), [{ shape: [2, 3], values }], opts);
    expect(shapes[0]).toEqual([2, 3]);
    expectClose(
      outputs[0]!,
      values.map((v) => Math.exp(v)),
      1e-12,
    );
  });

  it('gradient matches finite differences', () =>
    checkGrad(
      (x) => exp(x!),
      [
        {
          shape: [3, 4],
          values: [-2.0, -1.69, -1.38, -1.07, -0.76, -0.45, -0.14, 0.17, 0.48, 0.79, 1.1, 1.41],
        },
      ],
      opts,
    ));

  it('gradient in float32', () =>
    checkGrad((x) => exp(x!), [{ shape: [5], values: [-1, -0.2, 0.1, 0.5, 1.2] }]));

  it('rejects integer input at build time', () => {
    const g = new Graph();
    expect(() => exp(g.input('i', [2], 'int64'))).toThrow(
      /Exp.*needs a float32 or float64 tensor, got int64/,
    );
  });
});
