import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { globalAveragePool } from './global-average-pool.js';

describe('GlobalAveragePool', () => {
  it('averages each channel plane', async () => {
    const values = Array.from({ length: 2 * 3 * 2 * 2 }, (_, i) => i * i);
    const { outputs, shapes } = await runOp((x) => globalAveragePool(x!), [{ shape: [2, 3, 2, 2], values }]);
    expect(shapes[0]).toEqual([2, 3, 1, 1]);
    const expected = Array.from(
      { length: 6 },
      (_, p) => values.slice(4 * p, 4 * p + 4).reduce((a, b) => a + b) / 4,
    );
    outputs[0]!.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 4));
  });

  // ORT has GlobalAveragePool in float32 only.
  it('gradient against finite differences (float32)', () =>
    checkGrad((x) => globalAveragePool(x!), [{ shape: [2, 3, 4, 5] }]));

  it('rejects a non-NCHW input', () => {
    const g = new Graph('gap');
    expect(() => globalAveragePool(g.input('x', [2, 3]))).toThrow(
      /GlobalAveragePool 'GlobalAveragePool': input x must be \[N, C, H, W\]/,
    );
  });
});
