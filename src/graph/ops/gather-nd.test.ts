import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { gatherND } from './gather-nd.js';
import { scatterND } from './scatter-nd.js';

const opts = { dtype: 'float64' as const };
const data = Array.from({ length: 2 * 3 * 2 }, (_, i) => i);

describe('gatherND and scatterND', () => {
  it('gatherND reads elements and slices', async () => {
    const el = await runOp(
      (d, i) => gatherND(d!, i!),
      [
        { shape: [2, 3, 2], values: data },
        { shape: [2, 3], values: [1, 2, 0, 0, 1, 1], dtype: 'int64' },
      ],
    );
    expect(el.outputs[0]).toEqual([data[1 * 6 + 2 * 2 + 0], data[0 * 6 + 1 * 2 + 1]]);
    const rows = await runOp(
      (d, i) => gatherND(d!, i!),
      [
        { shape: [2, 3, 2], values: data },
        { shape: [1, 2], values: [1, 0], dtype: 'int64' },
      ],
    );
    expect(rows.shapes[0]).toEqual([1, 2]);
    expect(rows.outputs[0]).toEqual([6, 7]);
  });
  it('scatterND overwrites or accumulates', async () => {
    const inputs = [
      { shape: [4], values: [1, 2, 3, 4] },
      { shape: [3, 1], values: [2, 0, 2], dtype: 'int64' as const },
      { shape: [3], values: [10, 20, 30] },
    ];
    const add = await runOp((d, i, u) => scatterND(d!, i!, u!, 'add'), inputs);
    expect(add.outputs[0]).toEqual([21, 2, 43, 4]);
    const set = await runOp(
      (d, i, u) => scatterND(d!, i!, u!),
      [inputs[0]!, { shape: [2, 1], values: [3, 0], dtype: 'int64' }, { shape: [2], values: [10, 20] }],
    );
    expect(set.outputs[0]).toEqual([20, 2, 3, 10]);
  });
  it('gatherND gradient with a repeated index', () =>
    checkGrad(
      (d, i) => gatherND(d!, i!),
      [{ shape: [2, 3, 2] }, { shape: [3, 2], values: [1, 2, 0, 0, 1, 2], dtype: 'int64', noGrad: true }],
      opts,
    ));
  it('scatterND gradients (add with repeats, none with distinct indices)', async () => {
    await checkGrad(
      (d, i, u) => scatterND(d!, i!, u!, 'add'),
      [
        { shape: [4, 2] },
        { shape: [3, 1], values: [2, 0, 2], dtype: 'int64', noGrad: true },
        { shape: [3, 2] },
      ],
      opts,
    );
    await checkGrad(
      (d, i, u) => scatterND(d!, i!, u!),
      [
        { shape: [4, 2] },
        { shape: [2, 2], values: [3, 1, 0, 0], dtype: 'int64', noGrad: true },
        { shape: [2] },
      ],
      opts,
    );
  });
});
