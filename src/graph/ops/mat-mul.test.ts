import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { matMul } from './mat-mul.js';
import { transposeLast2 } from './transpose.js';

const opts = { dtype: 'float64' as const };

/** Reference [m, k] x [k, n] product of row-major arrays. */
function refMatMul(a: number[], b: number[], m: number, k: number, n: number): number[] {
  const out = new Array<number>(m * n).fill(0);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) for (let t = 0; t < k; t++) out[i * n + j]! += a[i * k + t]! * b[t * n + j]!;
  return out;
}

describe('matMul', () => {
  const a = Array.from({ length: 2 * 3 * 4 }, (_, i) => Math.sin(i));
  const b = Array.from({ length: 4 * 5 }, (_, i) => Math.cos(i));
  it('forward: batched [2,3,4] x broadcast [4,5]', async () => {
    const r = await runOp(
      (x, y) => matMul(x!, y!),
      [
        { shape: [2, 3, 4], values: a },
        { shape: [4, 5], values: b },
      ],
      opts,
    );
    expect(r.shapes[0]).toEqual([2, 3, 5]);
    const ref = [...refMatMul(a.slice(0, 12), b, 3, 4, 5), ...refMatMul(a.slice(12), b, 3, 4, 5)];
    expectClose(r.outputs[0]!, ref, 1e-12);
  });
  it('forward: vector operands follow numpy', async () => {
    const v = [1, 2, 3, 4];
    const r = await runOp(
      (x, y) => matMul(x!, y!),
      [
        { shape: [4], values: v },
        { shape: [4, 5], values: b },
      ],
      opts,
    );
    expect(r.shapes[0]).toEqual([5]);
    expectClose(r.outputs[0]!, refMatMul(v, b, 1, 4, 5), 1e-12);
    const dot = await runOp(
      (x, y) => matMul(x!, y!),
      [
        { shape: [4], values: v },
        { shape: [4], values: v },
      ],
      opts,
    );
    expect(dot.shapes[0]).toEqual([]);
    expect(dot.outputs[0]).toEqual([30]);
  });
  it('gradient, 2-D', () =>
    checkGrad((x, y) => matMul(x!, y!), [{ shape: [3, 4] }, { shape: [4, 2] }], opts));
  it('gradient, broadcast batch dims on both sides', () =>
    checkGrad((x, y) => matMul(x!, y!), [{ shape: [2, 1, 3, 4] }, { shape: [3, 4, 2] }], opts));
  it('gradient, vector on the left, on the right, and both', async () => {
    await checkGrad((x, y) => matMul(x!, y!), [{ shape: [4] }, { shape: [2, 4, 3] }], opts);
    await checkGrad((x, y) => matMul(x!, y!), [{ shape: [2, 3, 4] }, { shape: [4] }], opts);
    await checkGrad((x, y) => matMul(x!, y!), [{ shape: [4] }, { shape: [4] }], opts);
  });
  it('gradient, aliased matMul(x, x^T) and matMul(x, x)', async () => {
    await checkGrad((x) => matMul(x!, transposeLast2(x!)), [{ shape: [2, 3, 4] }], opts);
    await checkGrad((x) => matMul(x!, x!), [{ shape: [3, 3] }], opts);
  });
  it('float32', () => checkGrad((x, y) => matMul(x!, y!), [{ shape: [3, 4] }, { shape: [4, 2] }]));
  it('rejects mismatched inner dims naming both shapes', () => {
    const g = new Graph();
    expect(() => matMul(g.input('a', [2, 3]), g.input('b', [4, 5]))).toThrow(
      /MatMul 'MatMul': \[2, 3\] x \[4, 5\]/,
    );
  });
});
