import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { matMul } from './mat-mul.js';
import { transpose, transposeLast2 } from './transpose.js';

const opts = { dtype: 'float64' as const };

/** Reference transpose of a row-major array. */
function refTranspose(values: number[], shape: number[], perm: number[]): number[] {
  const outShape = perm.map((p) => shape[p]!);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const out: number[] = [];
  const idx = outShape.map(() => 0);
  for (let n = 0; n < values.length; n++) {
    out.push(values[perm.reduce((off, p, i) => off + idx[i]! * strides[p]!, 0)]!);
    for (let k = idx.length - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break;
      idx[k] = 0;
    }
  }
  return out;
}

describe('transpose', () => {
  const values = Array.from({ length: 24 }, (_, i) => i);
  it('forward matches the reference for a 3-D permutation and the default reversal', async () => {
    const a = await runOp((x) => transpose(x!, [1, 2, 0]), [{ shape: [2, 3, 4], values }]);
    expect(a.shapes[0]).toEqual([3, 4, 2]);
    expect(a.outputs[0]).toEqual(refTranspose(values, [2, 3, 4], [1, 2, 0]));
    const b = await runOp((x) => transpose(x!), [{ shape: [2, 3, 4], values }]);
    expect(b.outputs[0]).toEqual(refTranspose(values, [2, 3, 4], [2, 1, 0]));
  });
  it('identity permutation adds no node', () => {
    const g = new Graph();
    const x = g.input('x', [2, 3]);
    expect(transpose(x, [0, 1])).toBe(x);
  });
  it('gradient', () => checkGrad((x) => transpose(x!, [2, 0, 1]), [{ shape: [2, 3, 4] }], opts));
  it('gradient of the default reversal', () => checkGrad((x) => transpose(x!), [{ shape: [3, 2] }], opts));
  it('aliased matMul(x, transpose(x))', () =>
    checkGrad((x) => matMul(x!, transposeLast2(x!)), [{ shape: [3, 4] }], opts));
  it('rejects a bad permutation naming the shape', () => {
    const g = new Graph();
    expect(() => transpose(g.input('x', [2, 3]), [0, 0])).toThrow(
      /perm \[0, 0\] is not a permutation .*\[2, 3\]/,
    );
  });
});
