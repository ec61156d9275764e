import { describe, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { expectClose } from '../../../test/helpers/expect-close.js';
import { logSoftmax } from './log-softmax.js';
import { mul } from './mul.js';

const opts = { dtype: 'float64' as const };

describe('logSoftmax', () => {
  it('forward matches x - logsumexp(x), stable for large logits', async () => {
    const values = [1, 2, 3, -1, 0, 1000, 0.5, 0.5];
    const r = await runOp((x) => logSoftmax(x!), [{ shape: [2, 4], values }], opts);
    const ref: number[] = [];
    for (const row of [values.slice(0, 4), values.slice(4)]) {
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0));
      ref.push(...row.map((v) => v - lse));
    }
    expectClose(r.outputs[0]!, ref, 1e-12);
  });
  it('gradient along the last axis', () => checkGrad((x) => logSoftmax(x!), [{ shape: [3, 5] }], opts));
  it('gradient along axis 0 of a 3-D tensor', () =>
    checkGrad((x) => logSoftmax(x!, 0), [{ shape: [3, 2, 2] }], opts));
  it('gradient aliased x * logSoftmax(x)', () =>
    checkGrad((x) => mul(x!, logSoftmax(x!)), [{ shape: [2, 3] }], opts));
  it('float32', () => checkGrad((x) => logSoftmax(x!, 1), [{ shape: [2, 6] }]));
});
