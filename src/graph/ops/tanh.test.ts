import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { tanh } from './tanh.js';

const opts = { dtype: 'float64' as const };

describe('tanh', () => {
  it('matches the reference forward', async () => {
    const values = [-2, -0.5, 0, 0.3, 1, 3];
    const { outputs, shapes } = await runOp((x) => tanh(x!), [{ shape: [2, 3], values }], opts);
    expect(shapes[0]).toEqual([2, 3]);
    expectClose(
      outputs[0]!,
      values.map((v) => Math.tanh(v)),
      1e-12,
    );
  });

  it('gradient matches finite differences', () =>
    checkGrad(
      (x) => tanh(x!),
      [
        {
          shape: [3, 4],
          values: [-2.0, -1.67, -1.34, -1.01, -0.68, -0.35, -0.02, 0.31, 0.64, 0.97, 1.3, 1.63],
        },
      ],
      opts,
    ));

  it('gradient in float32', () =>
    checkGrad((x) => tanh(x!), [{ shape: [5], values: [-1, -0.2, 0.1, 0.5, 1.2] }]));

  it('rejects integer input at build time', () => {
    const g = new Graph();
    expect(() => tanh(g.input('i', [2], 'int64'))).toThrow(
      /Tanh.*needs a float32 or float64 tensor, got int64/,
    );
  });
});
