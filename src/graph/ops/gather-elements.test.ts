import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { gatherElements } from './gather-elements.js';
import { scatterElements } from './scatter-elements.js';

const opts = { dtype: 'float64' as const };

describe('gatherElements and scatterElements', () => {
  it('gatherElements picks one column per row (axis 1)', async () => {
    const r = await runOp(
      (d, i) => gatherElements(d!, i!, 1),
      [
        { shape: [3, 3], values: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
        { shape: [3, 1], values: [2, 0, 1], dtype: 'int64' },
      ],
    );
    expect(r.outputs[0]).toEqual([3, 4, 8]);
  });
  it('scatterElements overwrites or accumulates along an axis', async () => {
    const d = { shape: [2, 3], values: [0, 0, 0, 1, 1, 1] };
    const u = { shape: [2, 2], values: [5, 6, 7, 8] };
    const add = await runOp(
      (x, i, v) => scatterElements(x!, i!, v!, 1, 'add'),
      [d, { shape: [2, 2], values: [2, 2, 0, 1], dtype: 'int64' }, u],
    );
    expect(add.outputs[0]).toEqual([0, 0, 11, 8, 9, 1]);
    const set = await runOp(
      (x, i, v) => scatterElements(x!, i!, v!, 0),
      [d, { shape: [2, 2], values: [1, 0, 0, 1], dtype: 'int64' }, u],
    );
    expect(set.outputs[0]).toEqual([7, 6, 0, 5, 8, 1]);
  });
  it('gatherElements gradient with repeated picks', () =>
    checkGrad(
      (d, i) => gatherElements(d!, i!, 0),
      [{ shape: [3, 2] }, { shape: [4, 2], values: [0, 2, 0, 2, 1, 1, 0, 0], dtype: 'int64', noGrad: true }],
      opts,
    ));
  it('scatterElements gradients (add with repeats, none with distinct targets)', async () => {
    await checkGrad(
      (x, i, v) => scatterElements(x!, i!, v!, 1, 'add'),
      [
        { shape: [2, 3] },
        { shape: [2, 2], values: [2, 2, 0, 1], dtype: 'int64', noGrad: true },
        { shape: [2, 2] },
      ],
      opts,
    );
    await checkGrad(
      (x, i, v) => scatterElements(x!, i!, v!, 0),
      [
        { shape: [3, 2] },
        { shape: [2, 2], values: [2, 0, 0, 1], dtype: 'int64', noGrad: true },
        { shape: [2, 2] },
      ],
      opts,
    );
  });
});
