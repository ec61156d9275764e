import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { Rng } from '../../util/rng.js';
import { maxPool } from './max-pool.js';
import type { PoolOptions } from './pool-window.js';
import { poolWindow } from './pool-window.js';
import { poolRef } from '../../../test/helpers/conv-reference.js';

const cases: Array<{ name: string; x: number[]; opts: PoolOptions }> = [
  { name: '2x2 stride 2', x: [2, 3, 6, 6], opts: { kernel: 2, strides: 2 } },
  {
    name: '3x3 stride 1 pad 1 (overlapping, NAS-Bench-101)',
    x: [2, 2, 5, 5],
    opts: { kernel: 3, strides: 1, pads: 1 },
  },
  { name: '3x3 stride 2 pad 1, odd size', x: [1, 3, 7, 7], opts: { kernel: 3, strides: 2, pads: 1 } },
  {
    name: 'asymmetric pads, rectangular kernel',
    x: [1, 2, 6, 5],
    opts: { kernel: [3, 2], strides: [2, 1], pads: [1, 0, 0, 1] },
  },
  { name: 'dilation 2', x: [1, 2, 7, 7], opts: { kernel: 3, dilations: 2, pads: 2 } },
];

/** Distinct values (a shuffled ramp), so no window has a tie and a small step never changes its argmax. */
function distinct(n: number, seed: number): number[] {
  const rng = new Rng(seed);
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.05);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return v;
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

describe('MaxPool forward matches a plain-loop reference', () => {
  it.each(cases)('$name', async (c) => {
    const values = distinct(size(c.x), 1);
    const ref = poolRef({ data: values, shape: c.x }, poolWindow('MaxPool', c.opts), 'max');
    for (const dtype of ['float32', 'float64'] as const) {
      const { outputs, shapes } = await runOp((x) => maxPool(x!, c.opts), [{ shape: c.x, values }], {
        dtype,
      });
      expect(shapes[0]).toEqual(ref.shape);
      outputs[0]!.forEach((v, i) => expect(v).toBeCloseTo(ref.data[i]!, 6));
    }
  });
});

describe('MaxPool gradient (float64 central differences, distinct inputs)', () => {
  it.each(cases)('$name', (c) =>
    checkGrad((x) => maxPool(x!, c.opts), [{ shape: c.x, values: distinct(size(c.x), 2) }], {
      dtype: 'float64',
      samples: 16,
    }),
  );
});

describe('MaxPool shape errors', () => {
  const g = new Graph('maxpool-errors');
  const x = g.input('x', [1, 2, 4, 4]);
  it('pads as large as the kernel', () =>
    expect(() => maxPool(x, { kernel: 2, pads: 2 })).toThrow(
      /MaxPool.*pads \[2, 2, 2, 2\] must be smaller than the kernel/,
    ));
  it('kernel larger than the input', () =>
    expect(() => maxPool(x, { kernel: 5 })).toThrow(/MaxPool.*\[1, 2, 4, 4\] is too small.*kernel_shape 5/));
  it('non-NCHW input', () =>
    expect(() => maxPool(g.input('flat', [2, 8]), { kernel: 2 })).toThrow(
      /MaxPool '.*': input x must be \[N, C, H, W\], got \[2, 8\]/,
    ));
});
