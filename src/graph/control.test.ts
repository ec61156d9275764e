import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../test/helpers/gradcheck.js';
import { Program } from '../runtime/session.js';
import { grad } from './autodiff.js';
import { switchBranches, switchOn } from './control.js';
import { Graph, type Tensor } from './graph.js';
import { add } from './ops/add.js';
import { exp } from './ops/exp.js';
import { mul } from './ops/mul.js';
import { reduceSum } from './ops/reduce-sum.js';
import { sigmoid } from './ops/sigmoid.js';
import { tanh } from './ops/tanh.js';

/** Three branches of different cost and form over x [2, 3] and w [3]; one returns x unchanged. */
const BRANCHES = [
  (_: Graph, [x, w]: readonly Tensor[]) => [mul(tanh(x!), w!)],
  (_: Graph, [x]: readonly Tensor[]) => [x!],
  (_: Graph, [x, w]: readonly Tensor[]) => [add(sigmoid(mul(x!, x!)), exp(w!))],
];

function reference(k: number, x: number[], w: number[]): number[] {
  return x.map((v, i) => {
    const wi = w[i % 3]!;
    if (k <= 0) return Math.tanh(v) * wi;
    if (k === 1) return v;
    return 1 / (1 + Math.exp(-v * v)) + Math.exp(wi);
  });
}

describe('switchBranches', () => {
  const x = [0.5, -1, 2, 0.1, -0.3, 1.5];
  const w = [0.7, -0.2, 1.1];

  it('computes the branch the fed index selects (out-of-range indices clamp)', async () => {
    for (const k of [-1, 0, 1, 2, 5]) {
      const { outputs } = await runOp(
        (xs, ws, index) => switchBranches(index!, [xs!, ws!], BRANCHES),
        [
          { shape: [2, 3], values: x },
          { shape: [3], values: w },
          { shape: [], values: [k], dtype: 'int64' },
        ],
      );
      const expected = reference(Math.min(k, 2), x, w);
      outputs[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
    }
  });

  it('has the gradient of the selected branch (finite differences, float64)', async () => {
    for (const k of [0, 1, 2]) {
      await checkGrad(
        (xs, ws, index) => switchBranches(index!, [xs!, ws!], BRANCHES)[0]!,
        [{ shape: [2, 3] }, { shape: [3] }, { shape: [1], values: [k], dtype: 'int64', noGrad: true }],
        { dtype: 'float64', seed: k },
      );
    }
  });

  it('hoists branch parameters to the root; branches not taken give exact zero gradients', async () => {
    const g = new Graph('params');
    const input = g.input('x', [4]);
    const index = g.input('index', [], 'int64');
    const [y] = g.scope('block', () =>
      switchBranches(
        index,
        [input],
        [
          (b, [xb]) => [mul(xb!, b.param('a', [4], { init: { kind: 'ones' } }))],
          (b, [xb]) => [add(xb!, b.param('b', [4], { init: { kind: 'zeros' } }))],
          (b, [xb]) => [mul(mul(xb!, b.param('a', [4], { init: { kind: 'ones' } })), 3)],
        ],
      ),
    );
    expect(g.params.map((p) => p.name)).toEqual(['block/a', 'block/b']);
    const loss = reduceSum(mul(y!, y!));
    const grads = grad(loss, [input, ...g.params]);
    const program = await Program.compile(g, [loss, ...grads], { threads: 1 });
    const xv = Float32Array.from([1, 2, -1, 0.5]);
    const a = Float32Array.from([0.5, 2, 1, -1]);
    const b = Float32Array.from([1, 1, 1, 1]);
    const run = async (k: number) => {
      const out = await program.run({
        x: xv,
        index: BigInt64Array.of(BigInt(k)),
        'block/a': a,
        'block/b': b,
      });
      return program.model.outputNames.map((n) => Array.from(out[n] as Float32Array));
    };
    try {
      const [loss0, dx0, da0, db0] = await run(0);
      expect(loss0![0]).toBeCloseTo(
        xv.reduce((s, v, i) => s + (v * a[i]!) ** 2, 0),
        4,
      );
      expect(dx0).toEqual(Array.from(xv, (v, i) => 2 * v * a[i]! * a[i]!));
      expect(da0).toEqual(Array.from(xv, (v, i) => 2 * v * v * a[i]!));
      expect(db0).toEqual([0, 0, 0, 0]);
      const [, dx1, da1, db1] = await run(1);
      expect(dx1).toEqual(Array.from(xv, (v, i) => 2 * (v + b[i]!)));
      expect(da1).toEqual([0, 0, 0, 0]);
      expect(db1).toEqual(dx1);
      const [, , da2, db2] = await run(2);
      expect(da2).toEqual(Array.from(xv, (v, i) => 18 * v * v * a[i]!));
      expect(db2).toEqual([0, 0, 0, 0]);
    } finally {
      await program.release();
    }
  });

  it('skips the backward when the gradient gate is closed (zero gradients), runs it when open', async () => {
    const g = new Graph('gate');
    const input = g.input('x', [3]);
    const index = g.input('index', [], 'int64');
    const open = g.input('open', [], 'bool');
    const [y] = switchOn(
      index,
      [0, 1].map((k) => {
        const b = g.branch(`b${k}`);
        const w = b.param(`w${k}`, [3], { init: { kind: 'ones' } });
        return { graph: b, outputs: [mul(b.capture(input), k === 0 ? w : exp(w))] };
      }),
      'gated',
      { gradGate: open },
    );
    const grads = grad(reduceSum(y!), [input, ...g.params]);
    const program = await Program.compile(g, grads, { threads: 1 });
    const w = Float32Array.from([0.5, 1, 2]);
    const xv = Float32Array.from([1, -2, 3]);
    const run = async (k: number, gate: boolean) => {
      const out = await program.run({
        x: xv,
        w0: w,
        w1: w,
        index: BigInt64Array.of(BigInt(k)),
        open: Uint8Array.of(gate ? 1 : 0),
      });
      return program.model.outputNames.map((n) => Array.from(out[n] as Float32Array));
    };
    try {
      const [dx, dw0, dw1] = await run(1, true);
      dx!.forEach((v, i) => expect(v).toBeCloseTo(Math.exp(w[i]!), 5));
      expect(dw0).toEqual([0, 0, 0]);
      dw1!.forEach((v, i) => expect(v).toBeCloseTo(xv[i]! * Math.exp(w[i]!), 5));
      expect(await run(1, false)).toEqual([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]);
      expect(await run(0, false)).toEqual([
        [0, 0, 0],
        [0, 0, 0],
        [0, 0, 0],
      ]);
    } finally {
      await program.release();
    }
  });
});
