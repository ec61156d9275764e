import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { Rng } from '../../util/rng.js';
import { averagePool } from './average-pool.js';
import type { PoolOptions } from './pool-window.js';
import { poolWindow } from './pool-window.js';
import { poolRef } from '../../../test/helpers/conv-reference.js';

const cases: Array<{ name: string; x: number[]; opts: PoolOptions }> = [
  { name: '3x3 stride 1 pad 1 (NAS-Bench-201)', x: [2, 3, 5, 5], opts: { kernel: 3, strides: 1, pads: 1 } },
  { name: '2x2 stride 2', x: [2, 2, 6, 6], opts: { kernel: 2, strides: 2 } },
  { name: '3x3 stride 2 pad 1, even size', x: [1, 3, 8, 8], opts: { kernel: 3, strides: 2, pads: 1 } },
  { name: '5x5 stride 1 pad 2', x: [1, 2, 6, 6], opts: { kernel: 5, strides: 1, pads: 2 } },
  {
    name: 'asymmetric pads, rectangular kernel',
    x: [1, 2, 5, 6],
    opts: { kernel: [2, 3], strides: [1, 2], pads: [1, 0, 0, 1] },
  },
  { name: '3x3 no padding', x: [1, 2, 5, 5], opts: { kernel: 3 } },
];

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe.each([true, false])('AveragePool with countIncludePad=%s', (countIncludePad) => {
  it.each(cases)('forward matches a plain-loop reference: $name', async (c) => {
    const rng = new Rng(8);
    const values = Array.from({ length: size(c.x) }, () => rng.normal());
    const ref = poolRef(
      { data: values, shape: c.x },
      poolWindow('AveragePool', c.opts),
      countIncludePad ? 'avg-include-pad' : 'avg-exclude-pad',
    );
    const { outputs, shapes } = await runOp(
      (x) => averagePool(x!, { ...c.opts, countIncludePad }),
      [{ shape: c.x, values }],
    );
    expect(shapes[0]).toEqual(ref.shape);
    outputs[0]!.forEach((v, i) => expect(v).toBeCloseTo(ref.data[i]!, 5));
  });

  // ORT has AveragePool (and ConvTranspose) in float32 only.
  it.each(cases)('gradient against finite differences (float32): $name', (c) =>
    checkGrad((x) => averagePool(x!, { ...c.opts, countIncludePad }), [{ shape: c.x }], { samples: 16 }),
  );
});

describe('AveragePool errors', () => {
  const g = new Graph('avgpool-errors');
  const x = g.input('x', [1, 2, 4, 4]);
  it('countIncludePad is required', () =>
    expect(() => averagePool(x, { kernel: 2 } as never)).toThrow(/countIncludePad must be true or false/));
  it('pads as large as the kernel', () =>
    expect(() => averagePool(x, { kernel: 3, pads: 3, countIncludePad: true })).toThrow(
      /AveragePool.*pads \[3, 3, 3, 3\] must be smaller than the kernel extent 3/,
    ));
});
