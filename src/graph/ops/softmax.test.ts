import { describe, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { mul } from './mul.js';
import { softmax } from './softmax.js';

const opts = { dtype: 'float64' as const };

/** Reference softmax of a [rows, cols] array along axis 1 (stabilised by the row max). */
function refSoftmaxRows(values: number[], cols: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < values.length / cols; r++) {
    const row = values.slice(r * cols, (r + 1) * cols);
    const m = Math.max(...row);
    const e = row.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    out.push(...e.map((v) => v / s));
  }
  return out;
}

describe('softmax', () => {
  const values = [1, 2, 3, -1, 0, 1000, 0.5, 0.5];
  it('forward along the last axis, stable for large logits', async () => {
    const r = await runOp((x) => softmax(x!), [{ shape: [2, 4], values }], opts);
    expectClose(r.outputs[0]!, refSoftmaxRows(values, 4), 1e-12);
  });
  it('forward along axis 0', async () => {
    // Columns of a [2, 4] array are rows of its transpose.
    const r = await runOp((x) => softmax(x!, 0), [{ shape: [2, 4], values }], opts);
    const t = [0, 1, 2, 3].flatMap((j) => [values[j]!, values[4 + j]!]);
    const refT = refSoftmaxRows(t, 2);
    expectClose(
      r.outputs[0]!,
      [0, 1].flatMap((i) => [0, 1, 2, 3].map((j) => refT[j * 2 + i]!)),
      1e-12,
    );
  });
  it('gradient along the last axis', () => checkGrad((x) => softmax(x!), [{ shape: [3, 5] }], opts));
  it('gradient along a middle axis', () => checkGrad((x) => softmax(x!, 1), [{ shape: [2, 3, 4] }], opts));
  it('gradient aliased x * softmax(x)', () =>
    checkGrad((x) => mul(x!, softmax(x!, 0)), [{ shape: [4, 2] }], opts));
  it('float32', () => checkGrad((x) => softmax(x!), [{ shape: [2, 6] }]));
});
