import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { gemm } from './gemm.js';

const opts = { dtype: 'float64' as const };

/** Reference alpha op(A) op(B) + beta C with C broadcast from [n] or [m, n]. */
function refGemm(
  a: number[],
  b: number[],
  c: number[],
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
  alpha: number,
  beta: number,
) {
  const out: number[] = [];
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += a[tA ? t * m + i : i * k + t]! * b[tB ? j * k + t : t * n + j]!;
      out.push(alpha * s + beta * c[c.length === n ? j : i * n + j]!);
    }
  return out;
}

describe('gemm', () => {
  for (const [tA, tB] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    const [m, k, n] = [3, 4, 2];
    const aShape = tA ? [k, m] : [m, k];
    const bShape = tB ? [n, k] : [k, n];
    it(`forward, transA=${tA} transB=${tB}, alpha/beta and a broadcast bias`, async () => {
      const a = Array.from({ length: m * k }, (_, i) => Math.sin(i + 1));
      const b = Array.from({ length: k * n }, (_, i) => Math.cos(i));
      const c = [0.5, -1];
      const r = await runOp(
        (x, y, z) => gemm(x!, y!, z!, { transA: tA, transB: tB, alpha: 0.5, beta: 2 }),
        [
          { shape: aShape, values: a },
          { shape: bShape, values: b },
          { shape: [n], values: c },
        ],
        opts,
      );
      expect(r.shapes[0]).toEqual([m, n]);
      expectClose(r.outputs[0]!, refGemm(a, b, c, m, k, n, tA, tB, 0.5, 2), 1e-12);
    });
    it(`gradient, transA=${tA} transB=${tB}`, () =>
      checkGrad(
        (x, y, z) => gemm(x!, y!, z!, { transA: tA, transB: tB, alpha: 1.5, beta: -0.5 }),
        [{ shape: aShape }, { shape: bShape }, { shape: [1, n] }],
        opts,
      ));
  }
  it('gradient without C, and aliased gemm(x, x, transB)', async () => {
    await checkGrad((x, y) => gemm(x!, y!), [{ shape: [2, 3] }, { shape: [3, 4] }], opts);
    await checkGrad((x) => gemm(x!, x!, null, { transB: true }), [{ shape: [3, 4] }], opts);
  });
  it('linear layer in float32: x W^T + b', () =>
    checkGrad(
      (x, w, b) => gemm(x!, w!, b!, { transB: true }),
      [{ shape: [4, 3] }, { shape: [5, 3] }, { shape: [5] }],
    ));
  it('rejects mismatched inner dims and a bias that does not broadcast', () => {
    const g = new Graph();
    const a = g.input('a', [2, 3]);
    expect(() => gemm(a, g.input('b', [2, 3]))).toThrow(/op\(A\) is \[2, 3\] but op\(B\) is \[2, 3\]/);
    expect(() => gemm(a, g.input('w', [3, 4]), g.input('c', [3]))).toThrow(
      /C \[3\] does not broadcast to \[2, 4\]/,
    );
  });
});
