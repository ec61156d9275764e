import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { log } from './log.js';

const opts = { dtype: 'float64' as const };

describe('log', () => {
  it('matches the reference forward', async () => {
    const values = [0.01, 0.5, 1, 2, 10, 1000];
    const { outputs, shapes } = await runOp((x) => log(x!), [{ shape: [2, 3], values }], opts);
    expect(shapes[0]).toEqual([2, 3]);
    expectClose(
      outputs[0]!,
      values.map((v) => Math.log(v)),
      1e-12,
    );
  });

  it('gradient matches finite differences', () =>
    checkGrad(
      (x) => log(x!),
      [{ shape: [3, 4], values: [0.2, 0.57, 0.94, 1.31, 1.68, 2.05, 2.42, 2.79, 3.16, 3.53, 3.9, 4.27] }],
      opts,
    ));

  it('gradient in float32', () =>
    checkGrad((x) => log(x!), [{ shape: [5], values: [0.5, 0.8, 1.1, 2, 3.5] }]));

  it('rejects integer input at build time', () => {
    const g = new Graph();
    expect(() => log(g.input('i', [2], 'int64'))).toThrow(
      /Log.*needs a float32 or float64 tensor, got int64/,
    );
  });
});
