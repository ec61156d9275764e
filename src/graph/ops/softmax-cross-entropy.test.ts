import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { Graph } from '../graph.js';
import { grad } from '../autodiff.js';
import { Program } from '../../runtime/session.js';
import { add } from './add.js';
import { softmaxCrossEntropy } from './softmax-cross-entropy.js';

const opts = { dtype: 'float64' as const };
const logits = [2, -1, 0.5, 0.1, 0.2, 0.3, -3, 4, 1000, 5, -2, 0];
const labels = [0, 2, 0, 3];

/** Reference per-example loss -log softmax(row)[label], stabilised by the row max. */
function refLosses(values: number[], ys: number[], k: number): number[] {
  return ys.map((y, r) => {
    const row = values.slice(r * k, (r + 1) * k);
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
    return lse - row[y]!;
  });
}

describe('softmaxCrossEntropy', () => {
  it('forward for each reduction, stable with a huge logit', async () => {
    const ref = refLosses(logits, [0, 2, 1], 4);
    const inputs = [
      { shape: [3, 4], values: logits },
      { shape: [3], values: [0, 2, 1], dtype: 'int64' as const },
    ];
    const none = await runOp((x, y) => softmaxCrossEntropy(x!, y!, { reduction: 'none' }), inputs, opts);
    expect(none.shapes[0]).toEqual([3]);
    expectClose(none.outputs[0]!, ref, 1e-12);
    const sum = await runOp((x, y) => softmaxCrossEntropy(x!, y!, { reduction: 'sum' }), inputs, opts);
    expectClose(sum.outputs[0]!, [ref.reduce((a, b) => a + b, 0)], 1e-12);
    const mean = await runOp((x, y) => softmaxCrossEntropy(x!, y!), inputs, opts);
    expect(mean.shapes[0]).toEqual([]);
    expectClose(mean.outputs[0]!, [ref.reduce((a, b) => a + b, 0) / 3], 1e-12);
  });

  it('gradient equals (softmax - onehot) / B exactly', async () => {
    const g = new Graph('sce');
    const x = g.input('x', [4, 3], 'float64');
    const y = g.input('y', [4], 'int64');
    const [dx] = grad(softmaxCrossEntropy(x, y), [x]);
    const p = await Program.compile(g, [dx!], { threads: 1 });
    const xs = logits.slice(0, 12);
    const out = await p.run({
      x: Float64Array.from(xs),
      y: BigInt64Array.from(labels.map((v) => BigInt(v % 3))),
    });
    await p.release();
    const expected: number[] = [];
    for (let r = 0; r < 4; r++) {
      const row = xs.slice(r * 3, r * 3 + 3);
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, b) => a + b, 0);
      expected.push(...e.map((v, j) => (v / s - (j === labels[r]! % 3 ? 1 : 0)) / 4));
    }
    expectClose(Array.from(out[p.model.outputNames[0]!] as Float64Array), expected, 1e-12);
  });

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`gradient, reduction '${reduction}'`, () =>
      checkGrad(
        (x, y) => softmaxCrossEntropy(x!, y!, { reduction }),
        [{ shape: [4, 5] }, { shape: [4], values: [4, 0, 2, 4], dtype: 'int64', noGrad: true }],
        opts,
      ));
  }
  it('gradient through the log-probability output of the node too', () =>
    checkGrad(
      (x, y) => {
        const loss = softmaxCrossEntropy(x!, y!);
        return add(loss.producer!.outputs[1]!, loss);
      },
      [{ shape: [3, 4] }, { shape: [3], values: [1, 3, 0], dtype: 'int64', noGrad: true }],
      opts,
    ));
  it('float32 with int32 labels', () =>
    checkGrad(
      (x, y) => softmaxCrossEntropy(x!, y!),
      [{ shape: [6, 3] }, { shape: [6], values: [0, 1, 2, 2, 1, 0], dtype: 'int32', noGrad: true }],
    ));

  it('rejects mismatched shapes and float labels', () => {
    const g = new Graph();
    const x = g.input('x', [4, 3]);
    expect(() => softmaxCrossEntropy(x, g.input('y', [5], 'int64'))).toThrow(
      /logits must be \[B, K\] and labels \[B\]; got logits \[4, 3\], labels \[5\]/,
    );
    expect(() => softmaxCrossEntropy(x, g.input('f', [4]))).toThrow(
      /labels must be int64 or int32, got float32/,
    );
  });
});
