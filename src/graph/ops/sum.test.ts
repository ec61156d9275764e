import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { Graph } from '../graph.js';
import { sum } from './sum.js';

const opts = { dtype: 'float64' as const };

describe('sum (n-ary)', () => {
  it('adds three broadcast operands', async () => {
    const { outputs, shapes } = await runOp(
      (a, b, c) => sum([a!, b!, c!]),
      [
        { shape: [2, 2], values: [1, 2, 3, 4] },
        { shape: [2], values: [10, 20] },
        { shape: [2, 1], values: [100, 200] },
      ],
    );
    expect(shapes[0]).toEqual([2, 2]);
    expect(outputs[0]).toEqual([111, 122, 213, 224]);
  });
  it('gradient with broadcasting', () =>
    checkGrad((a, b, c) => sum([a!, b!, c!]), [{ shape: [3, 4] }, { shape: [4] }, { shape: [3, 1] }], opts));
  it('gradient aliased sum([x, x, y])', () =>
    checkGrad((a, b) => sum([a!, a!, b!]), [{ shape: [4] }, { shape: [1] }], opts));
  it('rejects an empty list', () => {
    expect(() => sum([])).toThrow(/at least one/);
    expect(sum([new Graph().input('x', [1])]).name).toBe('x');
  });
});
