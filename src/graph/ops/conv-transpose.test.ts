import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { Rng } from '../../util/rng.js';
import { convTranspose, type ConvTransposeOptions } from './conv-transpose.js';
import { makeWindow, toPair } from './conv-geometry.js';
import { convTransposeRef } from '../../../test/helpers/conv-reference.js';

interface Case {
  name: string;
  x: [number, number, number, number];
  coutPerGroup: number;
  k: number;
  opts: ConvTransposeOptions;
}

const cases: Case[] = [
  { name: '3x3 pad 1', x: [2, 3, 5, 5], coutPerGroup: 2, k: 3, opts: { pads: 1 } },
  {
    name: 'stride 2 with output_padding',
    x: [1, 2, 4, 4],
    coutPerGroup: 3,
    k: 3,
    opts: { strides: 2, pads: 1, outputPadding: 1 },
  },
  {
    name: 'dilation 2, groups 2',
    x: [2, 4, 4, 4],
    coutPerGroup: 1,
    k: 3,
    opts: { dilations: 2, pads: 1, group: 2 },
  },
  { name: '2x2 stride 2 (upsampling)', x: [1, 3, 3, 3], coutPerGroup: 2, k: 2, opts: { strides: 2 } },
  { name: '5x5 asymmetric pads', x: [1, 2, 4, 5], coutPerGroup: 2, k: 5, opts: { pads: [2, 1, 1, 2] } },
];

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const wShape = (c: Case) => [c.x[1], c.coutPerGroup, c.k, c.k];

describe('ConvTranspose forward matches a plain-loop reference', () => {
  it.each(cases)('$name', async (c) => {
    const rng = new Rng(11);
    const ws = wShape(c);
    const x = { data: Array.from({ length: size(c.x) }, () => rng.normal()), shape: [...c.x] };
    const w = { data: Array.from({ length: size(ws) }, () => rng.normal()), shape: ws };
    const window = makeWindow('ConvTranspose', c.k, c.opts);
    const op = toPair('ConvTranspose', 'outputPadding', c.opts.outputPadding, 0);
    const ref = convTransposeRef(x, w, window, c.opts.group ?? 1, [op[0], op[1]]);
    const { outputs, shapes } = await runOp(
      (xt, wt) => convTranspose(xt!, wt!, null, c.opts),
      [
        { shape: x.shape, values: x.data },
        { shape: ws, values: w.data },
      ],
    );
    expect(shapes[0]).toEqual(ref.shape);
    outputs[0]!.forEach((v, i) =>
      expect(Math.abs(v - ref.data[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(ref.data[i]!))),
    );
  });
});

describe('ConvTranspose gradients against finite differences (float32)', () => {
  it.each(cases)('$name', (c) =>
    checkGrad(
      (x, w, b) => convTranspose(x!, w!, b!, c.opts),
      [{ shape: [...c.x] }, { shape: wShape(c) }, { shape: [c.coutPerGroup * (c.opts.group ?? 1)] }],
      { samples: 6 },
    ),
  );
});

describe('ConvTranspose shape errors', () => {
  const g = new Graph('errors');
  const x = g.input('x', [1, 4, 3, 3]);
  it('channels that do not match the weight', () =>
    expect(() => convTranspose(x, g.input('w1', [3, 2, 3, 3]))).toThrow(
      /ConvTranspose.*\[1, 4, 3, 3\].*\[3, 2, 3, 3\]/,
    ));
  it('output_padding not below the stride', () =>
    expect(() =>
      convTranspose(x, g.input('w2', [4, 2, 3, 3]), null, { strides: 2, outputPadding: 2 }),
    ).toThrow(/output_padding \[2, 2\] must be smaller than strides \[2, 2\]/));
  it('pads that leave nothing', () =>
    expect(() => convTranspose(x, g.input('w3', [4, 2, 1, 1]), null, { pads: 2 })).toThrow(/empty output/));
});
