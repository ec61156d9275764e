import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { Rng } from '../../util/rng.js';
import { NaskitError } from '../../util/errors.js';
import { canUseFlippedConv, conv, convInputGrad, type ConvOptions } from './conv.js';
import { makeWindow } from './conv-geometry.js';
import { convRef, convWeightGradRef } from '../../../test/helpers/conv-reference.js';
import { applicableWeightGradMethods, convWeightGrad, pickWeightGradMethod } from './conv-weight-grad.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  cout: number;
  k: number;
  opts: ConvOptions;
}

const cases: Case[] = [
  { name: '3x3 pad 1', x: [2, 3, 6, 6], cout: 4, k: 3, opts: { pads: 1 } },
  { name: '3x3 stride 2 odd size', x: [2, 3, 7, 7], cout: 4, k: 3, opts: { strides: 2, pads: 1 } },
  {
    name: '3x3 stride 2 even size (output_padding 1)',
    x: [2, 2, 8, 8],
    cout: 3,
    k: 3,
    opts: { strides: 2, pads: 1 },
  },
  { name: '3x3 dilation 2', x: [1, 3, 9, 9], cout: 2, k: 3, opts: { dilations: 2, pads: 2 } },
  { name: 'groups 2', x: [2, 4, 5, 5], cout: 6, k: 3, opts: { group: 2, pads: 1 } },
  { name: 'depthwise', x: [2, 4, 6, 6], cout: 4, k: 3, opts: { group: 4, pads: 1 } },
  {
    name: 'depthwise stride 2, multiplier 2',
    x: [2, 3, 7, 7],
    cout: 6,
    k: 3,
    opts: { group: 3, strides: 2, pads: 1 },
  },
  { name: '1x1', x: [2, 5, 4, 4], cout: 3, k: 1, opts: {} },
  { name: '1x1 stride 2', x: [2, 4, 6, 6], cout: 3, k: 1, opts: { strides: 2 } },
  { name: '1x1 pad 1 (pads beyond the kernel)', x: [1, 2, 3, 3], cout: 2, k: 1, opts: { pads: 1 } },
  {
    name: '5x5 stride 2 asymmetric pads',
    x: [1, 3, 9, 8],
    cout: 2,
    k: 5,
    opts: { strides: 2, pads: [2, 1, 1, 2] },
  },
  {
    name: 'dilated 5x5 depthwise',
    x: [1, 2, 11, 11],
    cout: 2,
    k: 5,
    opts: { dilations: 2, pads: 4, group: 2 },
  },
];

function randn(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.normal());
}

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const wShape = (c: Case) => [c.cout, c.x[1] / (c.opts.group ?? 1), c.k, c.k];

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / (1 + Math.abs(expected[i]!)));
  }
  expect(worst).toBeLessThan(tol);
}

describe('Conv forward matches a plain-loop reference', () => {
  it.each(cases)('$name', async (c) => {
    const rng = new Rng(3);
    const ws = wShape(c);
    const x = { data: randn(rng, size(c.x)), shape: [...c.x] };
    const w = { data: randn(rng, size(ws)), shape: ws };
    const b = randn(rng, c.cout);
    const ref = convRef(x, w, b, makeWindow('Conv', c.k, c.opts), c.opts.group ?? 1);
    const { outputs, shapes } = await runOp(
      (xt, wt, bt) => conv(xt!, wt!, bt!, c.opts),
      [
        { shape: x.shape, values: x.data },
        { shape: ws, values: w.data },
        { shape: [c.cout], values: b },
      ],
    );
    expect(shapes[0]).toEqual(ref.shape);
    expectClose(outputs[0]!, ref.data, 1e-4);
  });
});

describe('Conv weight gradient: every method matches the definition', () => {
  it.each(cases)('$name', async (c) => {
    const rng = new Rng(5);
    const ws = wShape(c);
    const window = makeWindow('Conv', c.k, c.opts);
    const group = c.opts.group ?? 1;
    const x = { data: randn(rng, size(c.x)), shape: [...c.x] };
    const yShape = convRef(x, { data: new Array(size(ws)).fill(0), shape: ws }, null, window, group).shape;
    const dy = { data: randn(rng, size(yShape)), shape: yShape };
    const ref = convWeightGradRef(x, dy, ws, window, group);
    const methods = applicableWeightGradMethods(c.x, group);
    const { outputs, shapes } = await runOp(
      (xt, dyt) =>
        methods.map((m) => convWeightGrad({ x: xt!, dy: dyt!, window, group, weightShape: ws }, m)),
      [
        { shape: x.shape, values: x.data },
        { shape: yShape, values: dy.data },
      ],
    );
    methods.forEach((m, i) => {
      expect(shapes[i], m).toEqual(ws);
      expectClose(outputs[i]!, ref.data, 1e-4);
    });
    expect(methods).toContain(pickWeightGradMethod(c.x, ws, window, group));
  });
});

describe('Conv input gradient: flipped-kernel Conv equals ConvTranspose where it applies', () => {
  it.each(cases.filter((c) => canUseFlippedConv(makeWindow('Conv', c.k, c.opts))))('$name', async (c) => {
    const window = makeWindow('Conv', c.k, c.opts);
    const group = c.opts.group ?? 1;
    const ws = wShape(c);
    const yShape = convRef(
      { data: new Array(size(c.x)).fill(0), shape: [...c.x] },
      { data: new Array(size(ws)).fill(0), shape: ws },
      null,
      window,
      group,
    ).shape;
    const { outputs } = await runOp(
      (dy, w) =>
        (['conv-transpose', 'flipped-conv'] as const).map((m) =>
          convInputGrad(dy!, w!, c.x, window, group, m),
        ),
      [{ shape: yShape }, { shape: ws }],
    );
    expectClose(outputs[1]!, outputs[0]!, 1e-4);
  });
});

describe('Conv gradients against finite differences (float32: ORT has no double Conv)', () => {
  it.each(cases)('$name', (c) =>
    checkGrad(
      (x, w, b) => conv(x!, w!, b!, c.opts),
      [{ shape: [...c.x] }, { shape: wShape(c) }, { shape: [c.cout] }],
      { samples: 6 },
    ),
  );

  it('without a bias, and with only the input needing a gradient', () =>
    checkGrad(
      (x, w) => conv(x!, w!, null, { pads: 1 }),
      [{ shape: [1, 2, 4, 4] }, { shape: [2, 2, 3, 3], noGrad: true }],
    ));
});

describe('Conv shape errors name the op, the shapes and the attribute', () => {
  const g = new Graph('errors');
  const x = g.input('x', [2, 4, 8, 8]);
  const expectError = (fn: () => unknown, pattern: RegExp) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(NaskitError);
      expect((err as NaskitError).code).toBe('shape_mismatch');
      expect((err as Error).message).toMatch(pattern);
      return;
    }
    throw new Error('expected a shape_mismatch error');
  };

  it('channel mismatch', () =>
    expectError(() => conv(x, g.input('w1', [3, 5, 3, 3])), /Conv.*weight \[3, 5, 3, 3\].*x \[2, 4, 8, 8\]/));
  it('group that does not divide the channels', () =>
    expectError(() => conv(x, g.input('w2', [6, 2, 3, 3]), null, { group: 3 }), /group 3 must divide.*4/));
  it('kernel larger than the padded input', () =>
    expectError(() => conv(x, g.input('w3', [2, 4, 11, 11])), /too small.*kernel_shape 11/));
  it('bad strides', () =>
    expectError(() => conv(x, g.input('w4', [2, 4, 3, 3]), null, { strides: 0 }), /strides/));
  it('bias of the wrong length', () =>
    expectError(
      () => conv(x, g.input('w5', [2, 4, 3, 3]), g.input('b5', [3])),
      /bias must be \[2\], got \[3\]/,
    ));
});
