import { describe, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { div } from './div.js';

const opts = { dtype: 'float64' as const };
// Denominators kept away from zero.
const away = (n: number, seed: number) =>
  Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1) * (0.5 + ((i * 7 + seed) % 5) * 0.3));

describe('div', () => {
  it('forward broadcasts like numpy', async () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [2, -4, 8];
    const { outputs } = await runOp(
      (x, y) => div(x!, y!),
      [
        { shape: [2, 3], values: a },
        { shape: [3], values: b },
      ],
      opts,
    );
    expectClose(
      outputs[0]!,
      a.map((v, i) => v / b[i % 3]!),
      1e-15,
    );
  });
  it('gradient with broadcasting on both sides', () =>
    checkGrad((a, b) => div(a!, b!), [{ shape: [2, 1, 4] }, { shape: [3, 1], values: away(3, 1) }], opts));
  it('gradient aliased div(x, x) is zero', () =>
    checkGrad((a) => div(a!, a!), [{ shape: [5], values: away(5, 2) }], opts));
  it('gradient by a number', () => checkGrad((a) => div(a!, 4), [{ shape: [3] }], opts));
  it('float32', () => checkGrad((a, b) => div(a!, b!), [{ shape: [4] }, { shape: [4], values: away(4, 3) }]));
});
