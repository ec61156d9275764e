import { describe, expect, it } from 'vitest';
import { CONV_GRAD_SHAPES, benchConvGrad, formatConvGradTable } from './conv-grad.js';

describe('benchConvGrad', () => {
  it('times every applicable method per shape class and marks the chosen one', async () => {
    const rows = await benchConvGrad({ threads: 1, batch: 2, repeats: 1 });
    for (const shape of CONV_GRAD_SHAPES) {
      const mine = rows.filter((r) => r.shape === shape.name);
      expect(mine.map((r) => r.method)).toEqual(
        expect.arrayContaining(['forward', 'input-grad', 'conv', 'offsets-nhwc']),
      );
      expect(mine.filter((r) => r.chosen)).toHaveLength(1);
      for (const r of mine) {
        expect(r.ms).toBeGreaterThan(0);
        expect(r.gflops).toBeGreaterThan(0);
      }
    }
    const depthwise = rows.filter((r) => r.method === 'depthwise-reduce').map((r) => r.shape);
    expect(depthwise.every((s) => s.includes('depthwise'))).toBe(true);
    expect(formatConvGradTable(rows).split('\n')).toHaveLength(rows.length + 1);
  });

  it('rejects a non-positive batch', () =>
    expect(benchConvGrad({ batch: 0 })).rejects.toThrow(/batch must be a positive integer, got 0/));
});
