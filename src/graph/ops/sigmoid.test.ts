import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { sigmoid } from './sigmoid.js';

const opts = { dtype: 'float64' as const };

describe('sigmoid', () => {
  it('matches the reference forward', async () => {
    const values = [-4, -0.5, 0, 0.3, 1, 6];
    const { outputs, shapes } = await runOp((x) => sigmoid(x!), [{ shape: [2, 3], values }], opts);
    expect(shapes[0]).toEqual([2, 3]);
    expectClose(
      outputs[0]!,
      values.map((v) => 1 / (1 + Math.exp(-v))),
      1e-12,
    );
  });

  it('gradient matches finite differences', () =>
    checkGrad(
      (x) => sigmoid(x!),
      [{ shape: [3, 4], values: [-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5] }],
      opts,
    ));

  it('gradient in float32', () =>
    checkGrad((x) => sigmoid(x!), [{ shape: [5], values: [-1, -0.2, 0.1, 0.5, 1.2] }]));

  it('rejects integer input at build time', () => {
    const g = new Graph();
    expect(() => sigmoid(g.input('i', [2], 'int64'))).toThrow(
      /Sigmoid.*needs a float32 or float64 tensor, got int64/,
    );
  });
});
