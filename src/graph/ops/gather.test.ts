import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { gather } from './gather.js';
import { mul } from './mul.js';

const opts = { dtype: 'float64' as const };
const table = Array.from({ length: 4 * 3 }, (_, i) => i);

describe('gather', () => {
  it('forward: embedding lookup with repeats and a negative index', async () => {
    const r = await runOp(
      (t, i) => gather(t!, i!),
      [
        { shape: [4, 3], values: table },
        { shape: [2, 2], values: [3, 0, -1, 3], dtype: 'int64' },
      ],
    );
    expect(r.shapes[0]).toEqual([2, 2, 3]);
    expect(r.outputs[0]).toEqual([3, 0, 3, 3].flatMap((row) => table.slice(row * 3, row * 3 + 3)));
  });
  it('forward: along axis 1 with a scalar index', async () => {
    const r = await runOp(
      (t, i) => gather(t!, i!, 1),
      [
        { shape: [4, 3], values: table },
        { shape: [], values: [2], dtype: 'int64' },
      ],
    );
    expect(r.shapes[0]).toEqual([4]);
    expect(r.outputs[0]).toEqual([2, 5, 8, 11]);
  });
  it('gradient into the table accumulates repeated rows', () =>
    checkGrad(
      (t, i) => gather(t!, i!),
      [{ shape: [5, 3] }, { shape: [2, 3], values: [1, 4, 1, 0, 1, -1], dtype: 'int64', noGrad: true }],
      opts,
    ));
  it('gradient along a middle axis of a 3-D table', () =>
    checkGrad(
      (t, i) => gather(t!, i!, 1),
      [{ shape: [2, 4, 3] }, { shape: [3, 2], values: [0, 3, 3, 1, 2, 0], dtype: 'int64', noGrad: true }],
      opts,
    ));
  it('gradient along the last axis with int32 indices and a scalar index', async () => {
    await checkGrad(
      (t, i) => gather(t!, i!, -1),
      [{ shape: [3, 4] }, { shape: [3], values: [3, 3, 0], dtype: 'int32', noGrad: true }],
      opts,
    );
    await checkGrad(
      (t, i) => gather(t!, i!, 0),
      [{ shape: [3, 4] }, { shape: [], values: [1], dtype: 'int64', noGrad: true }],
      opts,
    );
  });
  it('gradient aliased: table * gather(table)', () =>
    checkGrad(
      (t, i) => mul(gather(t!, i!), t!),
      [{ shape: [3, 2] }, { shape: [3], values: [2, 0, 2], dtype: 'int64', noGrad: true }],
      opts,
    ));
  it('float32 embedding', () =>
    checkGrad(
      (t, i) => gather(t!, i!),
      [{ shape: [6, 4] }, { shape: [8], values: [0, 5, 5, 2, 1, 0, 3, 5], dtype: 'int64', noGrad: true }],
    ));
  it('rejects float indices', () => {
    const g = new Graph();
    expect(() => gather(g.input('t', [3, 2]), g.input('i', [2]))).toThrow(
      /Gather indices must be int64 or int32, got float32/,
    );
  });
});
