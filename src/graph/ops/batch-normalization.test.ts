import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph, type Tensor } from '../graph.js';
import { Rng } from '../../util/rng.js';
import { add } from './add.js';
import { reshape } from './reshape.js';
import { batchNorm } from './batch-normalization.js';
import { batchNormRef } from '../../../test/helpers/conv-reference.js';
import { Program } from '../../runtime/session.js';

const randn = (rng: Rng, n: number, mean = 0, std = 1) =>
  Array.from({ length: n }, () => mean + std * rng.normal());
const positive = (rng: Rng, n: number) => Array.from({ length: n }, () => 0.5 + rng.next());

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((v, i) =>
    expect(Math.abs(v - expected[i]!), `index ${i}`).toBeLessThan(tol * (1 + Math.abs(expected[i]!))),
  );
}

describe('BatchNormalization forward matches a plain-loop reference', () => {
  const shape = [3, 4, 3, 2];
  const c = 4;
  const rng = new Rng(21);
  const x = randn(rng, 72, 2, 3); // non-zero mean, so centring matters
  const scale = randn(rng, c);
  const bias = randn(rng, c);
  const rm = randn(rng, c);
  const rv = positive(rng, c);
  const feeds = [
    { shape, values: x },
    { shape: [c], values: scale },
    { shape: [c], values: bias },
    { shape: [c], values: rm },
    { shape: [c], values: rv },
  ];

  it.each(['float32', 'float64'] as const)(
    'training mode (%s): y, batch stats and PyTorch running stats',
    async (dtype) => {
      const { outputs } = await runOp(
        (xt, s, b, m, v) => {
          const out = batchNorm(xt!, s!, b!, m!, v!, { training: true, momentum: 0.1, epsilon: 1e-5 });
          return [out.y, out.runningMean!, out.runningVar!, out.batchMean!, out.batchVar!];
        },
        feeds,
        { dtype },
      );
      const ref = batchNormRef({ data: x, shape }, scale, bias, 1e-5);
      const tol = dtype === 'float64' ? 1e-10 : 1e-5;
      expectClose(outputs[0]!, ref.y.data, tol);
      expectClose(
        outputs[1]!,
        rm.map((r, i) => 0.9 * r + 0.1 * ref.mean[i]!),
        tol,
      );
      expectClose(
        outputs[2]!,
        rv.map((r, i) => 0.9 * r + 0.1 * ref.unbiased[i]!),
        tol,
      );
      expectClose(outputs[3]!, ref.mean, tol);
      expectClose(outputs[4]!, ref.variance, tol);
    },
  );

  it('inference mode uses the running statistics', async () => {
    const { outputs } = await runOp(
      (xt, s, b, m, v) => batchNorm(xt!, s!, b!, m!, v!, { training: false, epsilon: 1e-3 }).y,
      feeds,
      { dtype: 'float64' },
    );
    const ref = batchNormRef({ data: x, shape }, scale, bias, 1e-3, { mean: rm, variance: rv });
    expectClose(outputs[0]!, ref.y.data, 1e-10);
  });

  it('[N, C] features (BatchNorm1d)', async () => {
    const xs = randn(rng, 15);
    const s3 = randn(rng, 3);
    const b3 = randn(rng, 3);
    const { outputs } = await runOp(
      (xt, s, b, m, v) => batchNorm(xt!, s!, b!, m!, v!, { training: true }).y,
      [
        { shape: [5, 3], values: xs },
        { shape: [3], values: s3 },
        { shape: [3], values: b3 },
        { shape: [3], values: [0, 0, 0] },
        { shape: [3], values: [1, 1, 1] },
      ],
      { dtype: 'float64' },
    );
    const ref = batchNormRef({ data: xs, shape: [5, 3, 1, 1] }, s3, b3, 1e-5);
    expectClose(outputs[0]!, ref.y.data, 1e-10);
  });
});

describe('BatchNormalization gradients (float64 central differences)', () => {
  const opts = { dtype: 'float64' as const };
  const stats = [
    { shape: [3], noGrad: true },
    { shape: [3], values: [0.5, 1.5, 2], noGrad: true },
  ];

  it('training: x, scale and bias', () =>
    checkGrad(
      (x, s, b, m, v) => batchNorm(x!, s!, b!, m!, v!, { training: true }).y,
      [{ shape: [2, 3, 3, 3] }, { shape: [3] }, { shape: [3] }, ...stats],
      opts,
    ));

  it('training: gradient also flowing through the batch and running statistics', () =>
    checkGrad(
      (x, s, b, m, v) => {
        const out = batchNorm(x!, s!, b!, m!, v!, { training: true });
        const stat = (t: Tensor) => reshape(t, [1, 3, 1, 1]);
        return add(add(out.y, stat(out.runningVar!)), add(stat(out.batchMean!), stat(out.runningMean!)));
      },
      [{ shape: [4, 3, 2, 2] }, { shape: [3] }, { shape: [3] }, ...stats],
      opts,
    ));

  it('training on [N, C] features', () =>
    checkGrad(
      (x, s, b, m, v) => batchNorm(x!, s!, b!, m!, v!, { training: true }).y,
      [{ shape: [6, 3] }, { shape: [3] }, { shape: [3] }, ...stats],
      opts,
    ));

  it('inference: x, scale, bias, mean and var', () =>
    checkGrad(
      (x, s, b, m, v) => batchNorm(x!, s!, b!, m!, v!, { training: false }).y,
      [
        { shape: [2, 3, 2, 2] },
        { shape: [3] },
        { shape: [3] },
        { shape: [3] },
        { shape: [3], values: [0.5, 1.5, 2] },
      ],
      opts,
    ));

  // Non-affine BN (DARTS supernets): scale and bias are the constants 1 and 0, and the rule reads x̂
  // from the node's output instead of centring x again.
  const fixedAffine = (x: Tensor) => {
    const make = x.dtype === 'float64' ? Float64Array : Float32Array;
    return [x.graph.constant(new make(3).fill(1), [3]), x.graph.constant(new make(3), [3])] as const;
  };

  it('training without affine parameters', () =>
    checkGrad(
      (x, m, v) => {
        const [s, b] = fixedAffine(x!);
        return batchNorm(x!, s, b, m!, v!, { training: true }).y;
      },
      [{ shape: [2, 3, 3, 3], values: randn(new Rng(5), 54, 2, 3) }, ...stats],
      opts,
    ));

  it('training without affine parameters, gradient also flowing through the batch statistics', () =>
    checkGrad(
      (x, m, v) => {
        const [s, b] = fixedAffine(x!);
        const out = batchNorm(x!, s, b, m!, v!, { training: true });
        const stat = (t: Tensor) => reshape(t, [1, 3, 1, 1]);
        return add(add(out.y, stat(out.batchVar!)), stat(out.batchMean!));
      },
      [{ shape: [4, 3, 2, 2], values: randn(new Rng(6), 48, -1, 2) }, ...stats],
      opts,
    ));

  it('training in float32 with the float32 tolerance', () =>
    checkGrad(
      (x, s, b, m, v) => batchNorm(x!, s!, b!, m!, v!, { training: true }).y,
      [{ shape: [4, 3, 4, 4] }, { shape: [3] }, { shape: [3] }, ...stats],
    ));
});

describe('BatchNormalization training leaves its inputs alone', () => {
  it('the running-stat feeds are not overwritten, and the update reads their fed values', async () => {
    const rm = new Float32Array([1, 2, 3]);
    const rv = new Float32Array([4, 5, 6]);
    const g = new Graph('bn-alias');
    const x = g.input('x', [4, 3, 2, 2]);
    const s = g.input('s', [3]);
    const b = g.input('b', [3]);
    const m = g.input('m', [3]);
    const v = g.input('v', [3]);
    const out = batchNorm(x, s, b, m, v, { training: true, momentum: 0.5 });
    const program = await Program.compile(g, [out.runningMean!, out.runningVar!], { threads: 1 });
    const xs = Float32Array.from({ length: 48 }, (_, i) => i % 5);
    const res = await program.run({
      x: xs,
      s: new Float32Array(3).fill(1),
      b: new Float32Array(3),
      m: rm,
      v: rv,
    });
    await program.release();
    expect(Array.from(rm)).toEqual([1, 2, 3]);
    expect(Array.from(rv)).toEqual([4, 5, 6]);
    const ref = batchNormRef({ data: Array.from(xs), shape: [4, 3, 2, 2] }, [1, 1, 1], [0, 0, 0], 1e-5);
    const [newMean, newVar] = program.model.outputNames.map((n) => Array.from(res[n] as Float32Array));
    expectClose(
      newMean!,
      [1, 2, 3].map((r, i) => 0.5 * r + 0.5 * ref.mean[i]!),
      1e-6,
    );
    expectClose(
      newVar!,
      [4, 5, 6].map((r, i) => 0.5 * r + 0.5 * ref.unbiased[i]!),
      1e-6,
    );
  });
});

describe('BatchNormalization errors', () => {
  const g = new Graph('bn-errors');
  const x = g.input('x', [2, 4, 3, 3]);
  const v4 = (n: string) => g.input(n, [4]);
  it('statistics of the wrong length name the input and both shapes', () =>
    expect(() => batchNorm(x, g.input('s3', [3]), v4('b'), v4('m'), v4('v'), { training: true })).toThrow(
      /BatchNormalization.*scale must be \[4\].*\[2, 4, 3, 3\].*got \[3\]/,
    ));
  it('one value per channel cannot be normalised in training', () =>
    expect(() =>
      batchNorm(g.input('x1', [1, 4, 1, 1]), v4('s1'), v4('b1'), v4('m1'), v4('v1'), { training: true }),
    ).toThrow(/more than one value per channel/));
  it('momentum outside [0, 1]', () =>
    expect(() =>
      batchNorm(x, v4('s2'), v4('b2'), v4('m2'), v4('v2'), { training: true, momentum: 1.5 }),
    ).toThrow(/momentum must be in \[0, 1\]/));
});
