import { describe, expect, it } from 'vitest';
import { checkGrad, runOp } from '../../../test/helpers/gradcheck.js';
import { identity } from './identity.js';
import { mul } from './mul.js';

describe('identity', () => {
  it('forward copies', async () => {
    const { outputs } = await runOp((x) => identity(x!), [{ shape: [2, 2], values: [1, -2, 3, 4] }]);
    expect(outputs[0]).toEqual([1, -2, 3, 4]);
  });
  it('gradient, aliased with its input', () =>
    checkGrad((x) => mul(identity(x!), x!), [{ shape: [2, 3] }], { dtype: 'float64' }));
});
