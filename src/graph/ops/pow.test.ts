import { describe, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { pow } from './pow.js';

const opts = { dtype: 'float64' as const };
const positive = (n: number) => Array.from({ length: n }, (_, i) => 0.4 + ((i * 5) % 7) * 0.25);

describe('pow', () => {
  it('forward matches Math.pow, with broadcasting', async () => {
    const a = [0.5, 1, 2, 3, 4, 0];
    const b = [2, 0.5, 3];
    const { outputs } = await runOp(
      (x, y) => pow(x!, y!),
      [
        { shape: [2, 3], values: a },
        { shape: [3], values: b },
      ],
      opts,
    );
    expectClose(
      outputs[0]!,
      a.map((v, i) => Math.pow(v, b[i % 3]!)),
      1e-14,
    );
  });
  it('gradient w.r.t. base and exponent, broadcast exponent', () =>
    checkGrad((a, b) => pow(a!, b!), [{ shape: [3, 4], values: positive(12) }, { shape: [4] }], opts));
  it('gradient w.r.t. base with a constant exponent, negative base', () =>
    checkGrad((a) => pow(a!, 3), [{ shape: [5], values: [-2, -0.5, 0.3, 1, 2] }], opts));
  it('gradient aliased pow(x, x)', () =>
    checkGrad((a) => pow(a!, a!), [{ shape: [6], values: positive(6) }], opts));
  it('float32', () =>
    checkGrad((a, b) => pow(a!, b!), [{ shape: [4], values: positive(4) }, { shape: [4] }]));
});
