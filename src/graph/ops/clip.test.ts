import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { clip } from './clip.js';
import { mul } from './mul.js';

const opts = { dtype: 'float64' as const };
const values = [-3, -1.2, -0.4, 0.1, 0.6, 0.95, 1.4, 2.5];

describe('clip', () => {
  it('forward with both, only min and only max bounds', async () => {
    const both = await runOp((x) => clip(x!, -1, 1), [{ shape: [8], values }], opts);
    expectClose(
      both.outputs[0]!,
      values.map((v) => Math.min(Math.max(v, -1), 1)),
      0,
    );
    const lo = await runOp((x) => clip(x!, 0, null), [{ shape: [8], values }], opts);
    expectClose(
      lo.outputs[0]!,
      values.map((v) => Math.max(v, 0)),
      0,
    );
    const hi = await runOp((x) => clip(x!, null, 0.5), [{ shape: [8], values }], opts);
    expectClose(
      hi.outputs[0]!,
      values.map((v) => Math.min(v, 0.5)),
      0,
    );
  });
  it('gradient is masked outside [min, max]', () =>
    checkGrad((x) => clip(x!, -1, 1), [{ shape: [8], values }], opts));
  it('gradient w.r.t. tensor bounds', () =>
    checkGrad(
      (x, lo, hi) => clip(x!, lo!, hi!),
      [
        { shape: [8], values },
        { shape: [], values: [-0.8] },
        { shape: [], values: [1.1] },
      ],
      opts,
    ));
  it('aliased x * clip(x)', () =>
    checkGrad((x) => mul(x!, clip(x!, null, 0.5)), [{ shape: [8], values }], opts));
  it('rejects non-scalar bounds', () => {
    const g = new Graph();
    const x = g.input('x', [3]);
    expect(() => clip(x, g.input('lo', [3]), null)).toThrow(/min must be a scalar, got shape \[3\]/);
  });
});
